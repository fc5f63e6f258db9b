import type { Database } from 'better-sqlite3'
import type { ReportGranularity } from '../../shared/api/reportSchemas'
import { daysBetween } from '../../shared/api/reportSchemas'
import { dayWindow, nextDay } from '../days/window'

export const HOUR_MS = 3600_000
const SHANGHAI_OFFSET_MS = 8 * HOUR_MS

/** A business day and its window, exactly as its day report has it (a closed day ends when it was closed). */
export interface DaySpan {
  day: string
  start: number
  end: number
}

/** The business days of a report, their windows tiling one range [start, end). */
export interface ReportRange {
  from: string
  to: string
  days: DaySpan[]
  start: number
  end: number
}

/**
 * The days from `from` to `to`. Each day's window is the one days.get reports: a closed day's as it was closed,
 * an open one cut at now (the day report of an open day reads up to now too); consecutive windows meet exactly.
 */
export function reportRange(db: Database, from: string, to: string, startHour: number, now: number): ReportRange {
  const count = daysBetween(from, to) + 1
  const days = Array.from({ length: count }, (_, i) => {
    const day = nextDay(from, i)
    const window = dayWindow(db, day, startHour)
    const end = Math.max(window.start, Math.min(window.end, now + 1))
    return { day, start: window.start, end }
  })
  const first = days[0]
  const last = days[days.length - 1]
  return { from, to, days, start: first?.start ?? 0, end: last?.end ?? 0 }
}

/** The same number of business days just before. */
export function previousDays(from: string, to: string): { from: string; to: string } {
  const count = daysBetween(from, to) + 1
  return { from: nextDay(from, -count), to: nextDay(from, -1) }
}

function pad2(n: number): string {
  return String(n).padStart(2, '0')
}

/** The ISO week (Monday first; week 1 holds the year's first Thursday) of a YYYY-MM-DD, as 2026-W48. */
export function isoWeek(day: string): string {
  const date = new Date(`${day}T00:00:00Z`)
  const weekday = (date.getUTCDay() + 6) % 7
  const thursday = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - weekday + 3)
  const year = new Date(thursday).getUTCFullYear()
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * 86_400_000))
  return `${year}-W${pad2(week)}`
}

/** The hour of the day (Beijing time) of an instant, as 09:00. */
export function hourKey(at: number): string {
  return `${pad2(Math.floor((at + SHANGHAI_OFFSET_MS) / HOUR_MS) % 24)}:00`
}

/** The bucket a business day falls in. */
export function dayBucket(day: string, granularity: Exclude<ReportGranularity, 'hour'>): string {
  if (granularity === 'week') return isoWeek(day)
  if (granularity === 'month') return day.slice(0, 7)
  return day
}

/** Every bucket of a range in order, empty ones included: the hours from the day's start hour, or the days'. */
export function bucketKeys(range: ReportRange, granularity: ReportGranularity, startHour: number): string[] {
  if (granularity === 'hour') return Array.from({ length: 24 }, (_, i) => `${pad2((startHour + i) % 24)}:00`)
  return [...new Set(range.days.map((span) => dayBucket(span.day, granularity)))]
}

/** Which bucket an instant of the range belongs to. */
export function bucketOf(range: ReportRange, granularity: ReportGranularity): (at: number) => string {
  if (granularity === 'hour') return hourKey
  const keys = range.days.map((span) => dayBucket(span.day, granularity))
  return (at) => {
    let low = 0
    let high = range.days.length - 1
    while (low < high) {
      const middle = (low + high + 1) >> 1
      if (range.days[middle]!.start <= at) low = middle
      else high = middle - 1
    }
    return keys[low]!
  }
}

/** Where one bucket ends and the next begins: the start of each day that opens a new bucket (none by hour). */
export function bucketCuts(range: ReportRange, granularity: ReportGranularity): number[] {
  if (granularity === 'hour') return []
  return range.days
    .filter((span, i) => i > 0 && dayBucket(span.day, granularity) !== dayBucket(range.days[i - 1]!.day, granularity))
    .map((span) => span.start)
}
