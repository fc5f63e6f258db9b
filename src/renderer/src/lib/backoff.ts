/** Back-off between probes while the server cannot be reached: 1 s, 2 s, 4 s… never more than 10 s apart. */
export const PROBE_BACKOFF_MS = { first: 1000, max: 10_000 } as const

/** The next wait before a probe: doubling from `first`, capped at `max`. */
export function backoffDelay(attempts: number): number {
  return Math.min(PROBE_BACKOFF_MS.first * 2 ** Math.max(0, attempts), PROBE_BACKOFF_MS.max)
}
