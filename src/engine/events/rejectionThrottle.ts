import type { Clock } from '../clock'

/** How long one recorded rejection stands for all of its kind from the same source. */
const WINDOW_MS = 60_000
/** Windows kept at most: a flood from many sources cannot grow this without bound. */
const MAX_KEYS = 1000

export interface Admission {
  /** The first rejection of its kind in this window: record it. */
  record: boolean
  /** How many of its kind the previous window left unrecorded (to be told with this one). */
  suppressed: number
}

/**
 * Rejected notifications and failed signature checks are written to the event log once per source and kind a
 * minute, with the count of those left out since: a stranger posting forged notifications cannot turn each into
 * a disk write and a broadcast to every console.
 */
export function createRejectionThrottle(clock: Clock) {
  const windows = new Map<string, { start: number; suppressed: number }>()
  return {
    admit(key: string): Admission {
      const now = clock.now()
      const open = windows.get(key)
      if (open && now - open.start < WINDOW_MS) {
        open.suppressed++
        return { record: false, suppressed: 0 }
      }
      windows.delete(key)
      if (windows.size >= MAX_KEYS) windows.delete(windows.keys().next().value as string)
      windows.set(key, { start: now, suppressed: 0 })
      return { record: true, suppressed: open?.suppressed ?? 0 }
    },
  }
}

export type RejectionThrottle = ReturnType<typeof createRejectionThrottle>
