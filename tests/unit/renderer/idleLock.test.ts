import { describe, expect, it } from 'vitest'
import { createIdleLock, type IdleClock } from '../../../src/renderer/src/lib/idleLock'

/** A clock the test moves by hand; due timers fire as it passes them. */
function manualClock() {
  let now = 0
  let timers: { at: number; run: () => void; id: number }[] = []
  let nextId = 1
  const clock: IdleClock = {
    now: () => now,
    setTimer: (run, ms) => {
      const id = nextId++
      timers.push({ at: now + ms, run, id })
      return id
    },
    clearTimer: (handle) => {
      timers = timers.filter((t) => t.id !== handle)
    },
  }
  function advance(ms: number): void {
    const until = now + ms
    for (;;) {
      const due = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0]
      if (!due) break
      timers = timers.filter((t) => t !== due)
      now = due.at
      due.run()
    }
    now = until
  }
  return { clock, advance, pending: () => timers.length }
}

function setUp(busy = () => false) {
  const time = manualClock()
  const events: string[] = []
  const lock = createIdleLock(
    { busy: () => busy(), lock: () => events.push('lock'), onWaiting: (w) => events.push(w ? 'waiting' : 'ready') },
    time.clock,
  )
  return { ...time, lock, events }
}

describe('the idle lock', () => {
  it('locks once after the idle time without input, and not a moment before', () => {
    const { lock, advance, events } = setUp()
    lock.start(5 * 60_000)
    advance(5 * 60_000 - 1)
    expect(events).toEqual([])
    advance(1)
    expect(events).toEqual(['lock'])
    advance(60 * 60_000)
    expect(events).toEqual(['lock'])
  })

  it('counts from the last input', () => {
    const { lock, advance, events } = setUp()
    lock.start(60_000)
    advance(50_000)
    lock.activity()
    advance(50_000)
    expect(events).toEqual([])
    advance(10_000)
    expect(events).toEqual(['lock'])
  })

  it('waits while a customer is paying, and locks as soon as the checkout ends', () => {
    let paying = true
    const { lock, advance, events, pending } = setUp(() => paying)
    lock.start(60_000)
    advance(10 * 60_000)
    expect(events).toEqual(['waiting'])
    expect(pending()).toBe(0)
    paying = false
    lock.settled()
    expect(events).toEqual(['waiting', 'ready', 'lock'])
  })

  it('after a checkout that ended with input, waits out the idle time again', () => {
    let paying = true
    const { lock, advance, events } = setUp(() => paying)
    lock.start(60_000)
    advance(61_000)
    lock.activity()
    paying = false
    lock.settled()
    expect(events).toEqual(['waiting', 'ready'])
    advance(59_999)
    expect(events).toEqual(['waiting', 'ready'])
    advance(1)
    expect(events).toEqual(['waiting', 'ready', 'lock'])
  })

  it('does nothing once stopped (signed out), and starts afresh with a new idle time', () => {
    const { lock, advance, events } = setUp()
    lock.start(60_000)
    lock.stop()
    advance(10 * 60_000)
    lock.settled()
    expect(events).toEqual([])
    lock.start(2 * 60_000)
    advance(60_000)
    expect(events).toEqual([])
    advance(60_000)
    expect(events).toEqual(['lock'])
  })
})
