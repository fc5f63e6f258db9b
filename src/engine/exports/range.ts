import type { Database } from 'better-sqlite3'
import { EngineError } from '../../shared/errors'
import { MAX_EXPORT_DAYS } from '../../shared/api/exportSchemas'
import { dayStartHour, dayWindow } from '../days/window'

/** Rows read per page: small enough to hand the event loop back often, large enough to read quickly. */
export const PAGE_ROWS = 1000

/** Business days from–to, both included. */
export interface DayRange {
  from: string
  to: string
}

const DAY_MS = 86_400_000

/** Refuses a range that ends before it starts or spans more than a year. */
export function checkRange(range: DayRange): DayRange {
  const days = (Date.parse(`${range.to}T00:00:00Z`) - Date.parse(`${range.from}T00:00:00Z`)) / DAY_MS + 1
  if (days < 1)
    throw new EngineError('VALIDATION_FAILED', `the range ends (${range.to}) before it starts (${range.from})`)
  if (days > MAX_EXPORT_DAYS) {
    throw new EngineError('VALIDATION_FAILED', `the range spans ${days} days; at most ${MAX_EXPORT_DAYS} at a time`)
  }
  return range
}

/** When the range's business days begin and end (closed days as they were closed). */
export function rangeWindow(db: Database, range: DayRange): { start: number; end: number } {
  const startHour = dayStartHour(db)
  return { start: dayWindow(db, range.from, startHour).start, end: dayWindow(db, range.to, startHour).end }
}
