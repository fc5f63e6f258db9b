/** The timers the idle lock runs on: the browser's, or a test's own. */
export interface IdleClock {
  now(): number
  setTimer(run: () => void, ms: number): unknown
  clearTimer(handle: unknown): void
}

export const browserClock: IdleClock = {
  now: () => Date.now(),
  setTimer: (run, ms) => setTimeout(run, ms),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

export interface IdleLockOptions {
  /** A customer is paying right now: the lock waits until that ends. */
  busy: () => boolean
  lock: () => void
  /** The idle time is up but a checkout holds the lock off (true), or no longer (false). */
  onWaiting?: (waiting: boolean) => void
}

export interface IdleLock {
  /** Starts counting from now; the console locks after `idleMs` without activity. */
  start(idleMs: number): void
  stop(): void
  /** Pointer or keyboard input. */
  activity(): void
  /** The console stopped being busy: it locks now if it has been idle long enough. */
  settled(): void
}

/**
 * Locks the console after a stretch without input, never in the middle of a checkout. Input only notes the time
 * (it comes many times a second); the one timer, when it fires early because of input since, waits out the rest.
 */
export function createIdleLock(options: IdleLockOptions, clock: IdleClock = browserClock): IdleLock {
  let idleMs: number | null = null
  let lastActivity = clock.now()
  let timer: unknown = null
  let waiting = false

  function setWaiting(next: boolean): void {
    if (waiting === next) return
    waiting = next
    options.onWaiting?.(next)
  }

  function clear(): void {
    if (timer !== null) clock.clearTimer(timer)
    timer = null
  }

  function schedule(ms: number): void {
    clear()
    timer = clock.setTimer(fire, ms)
  }

  function fire(): void {
    timer = null
    if (idleMs === null) return
    const left = lastActivity + idleMs - clock.now()
    if (left > 0) {
      setWaiting(false)
      schedule(left)
      return
    }
    // No timer runs while a checkout holds the lock off: settled() or new input picks it up again.
    if (options.busy()) {
      setWaiting(true)
      return
    }
    stop()
    options.lock()
  }

  function stop(): void {
    idleMs = null
    clear()
    setWaiting(false)
  }

  return {
    start(ms) {
      idleMs = ms
      lastActivity = clock.now()
      setWaiting(false)
      schedule(ms)
    },
    stop,
    activity() {
      lastActivity = clock.now()
      if (idleMs === null || timer !== null) return
      setWaiting(false)
      schedule(idleMs)
    },
    settled() {
      if (idleMs !== null && timer === null) fire()
    },
  }
}
