import { reactive, readonly } from 'vue'
import { backoffDelay } from '../lib/backoff'

const state = reactive({
  /** Whether the checkout server answered the last request (a desktop window's engine always does). */
  online: true,
  /** Probes sent since the server was lost. */
  attempts: 0,
})

/** Read-only, reactive: screens disable what needs the server while `connection.online` is false. */
export const connection = readonly(state)

let probeTimer: ReturnType<typeof setTimeout> | null = null
let probe: (() => Promise<unknown>) | null = null

function markOnline(): void {
  if (probeTimer) clearTimeout(probeTimer)
  probeTimer = null
  state.online = true
  state.attempts = 0
}

function markOffline(): void {
  state.online = false
  scheduleProbe()
}

function scheduleProbe(): void {
  if (probeTimer || !probe) return
  const run = probe
  probeTimer = setTimeout(() => {
    probeTimer = null
    state.attempts += 1
    // A failed probe lands in markOffline through the watched fetch, which schedules the next one.
    run().catch(() => undefined)
  }, backoffDelay(state.attempts))
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError'
}

/**
 * A fetch that keeps `connection.online` true while the server answers (any status: it is there) and false
 * from the first request that cannot reach it until one can; meanwhile it probes `probeUrl` with back-off.
 */
export function watchReachability(base: typeof fetch, probeUrl: string): typeof fetch {
  const watched: typeof fetch = async (input, init) => {
    try {
      const response = await base(input, init)
      markOnline()
      return response
    } catch (error) {
      // A request the console itself aborted (the event stream when it stops) says nothing about the server.
      if (!isAbort(error)) markOffline()
      throw error
    }
  }
  probe = () => watched(probeUrl, { cache: 'no-store' })
  return watched
}
