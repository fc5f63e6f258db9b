/** A fixed-window counter per key (e.g. per client address), kept in memory. */
export function createRateLimiter(limit: number, windowMs: number, now: () => number = Date.now) {
  const windows = new Map<string, { start: number; count: number }>()
  return {
    /** Counts one attempt; false when the key has used up its window. */
    take(key: string): boolean {
      const t = now()
      const current = windows.get(key)
      if (!current || t - current.start >= windowMs) {
        if (windows.size > 10_000) windows.clear()
        windows.set(key, { start: t, count: 1 })
        return true
      }
      current.count++
      return current.count <= limit
    },
  }
}
