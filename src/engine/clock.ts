/** Time comes from a Clock so that tests can move it; domain code never calls Date.now(). */
export interface Clock {
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }

export interface ManualClock extends Clock {
  set(ms: number): void
  advance(ms: number): void
}

export function createManualClock(startMs: number): ManualClock {
  let current = startMs
  return {
    now: () => current,
    set: (ms) => {
      current = ms
    },
    advance: (ms) => {
      current += ms
    },
  }
}

/** The last few instants written out: a busy checkout writes the same millisecond many times (events, answers). */
const recentIso = new Map<number, string>()
const RECENT_ISO_KEPT = 64

export function toIso(ms: number): string {
  let iso = recentIso.get(ms)
  if (iso === undefined) {
    iso = new Date(ms).toISOString()
    if (recentIso.size >= RECENT_ISO_KEPT) recentIso.clear()
    recentIso.set(ms, iso)
  }
  return iso
}

export function toIsoOrNull(ms: number | null): string | null {
  return ms === null ? null : toIso(ms)
}
