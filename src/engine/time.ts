/** Business days run midnight to midnight in Asia/Shanghai (UTC+8 all year: China has no daylight saving). */
const SHANGHAI_OFFSET_MS = 8 * 3600_000
const DAY_MS = 24 * 3600_000

export function businessDayStart(now: number): number {
  return Math.floor((now + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS - SHANGHAI_OFFSET_MS
}
