import type { Database } from 'better-sqlite3'
import { prepared } from '../db/prepared'
import { getSetting, setSetting } from '../store/settings'

const HOUR_MS = 3600_000
const DAY_MS = 24 * HOUR_MS
/** China keeps UTC+8 all year. */
const SHANGHAI_OFFSET_MS = 8 * HOUR_MS
const START_HOUR_KEY = 'books.day_start_hour'
export const DEFAULT_DAY_START_HOUR = 4

export function dayStartHour(db: Database): number {
  const stored = getSetting(db, START_HOUR_KEY)
  return stored === null ? DEFAULT_DAY_START_HOUR : Number(stored)
}

export function setDayStartHour(db: Database, hour: number): void {
  setSetting(db, START_HOUR_KEY, String(hour))
}

/** Where a business day nominally starts and ends: from its start hour, Beijing time, to the next day's. */
export function nominalBounds(day: string, startHour: number): { start: number; end: number } {
  const start = Date.parse(`${day}T00:00:00Z`) - SHANGHAI_OFFSET_MS + startHour * HOUR_MS
  return { start, end: start + DAY_MS }
}

/** The business day an instant falls in. */
export function businessDayOf(at: number, startHour: number): string {
  return new Date(at + SHANGHAI_OFFSET_MS - startHour * HOUR_MS).toISOString().slice(0, 10)
}

export function nextDay(day: string, step = 1): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + step * DAY_MS).toISOString().slice(0, 10)
}

/**
 * The business day sales were last found to belong to, while it is not closed: every sale asks, and the answer
 * changes only when the day turns or is closed (here) or a write is undone (`forgetSaleDay`).
 */
const keptSaleDays = new WeakMap<Database, { day: string; startHour: number }>()

export function forgetSaleDay(db: Database): void {
  keptSaleDays.delete(db)
}

/** The business day a sale made now belongs to: a day already closed sends it on to the next. */
export function businessDayForSale(db: Database, now: number): string {
  const startHour = dayStartHour(db)
  const nominal = businessDayOf(now, startHour)
  const kept = keptSaleDays.get(db)
  if (kept?.day === nominal && kept.startHour === startHour) return nominal
  let day = nominal
  for (let closed = getDayClose(db, day); closed && now >= closed.ends_at; closed = getDayClose(db, day)) {
    day = nextDay(day)
  }
  if (day === nominal && getDayClose(db, day) === null) keptSaleDays.set(db, { day, startHour })
  return day
}

export interface DayCloseRow {
  day: string
  starts_at: number
  ends_at: number
  closed_at: number
  closed_by: string | null
  report: string
}

export function getDayClose(db: Database, day: string): DayCloseRow | null {
  return (prepared(db, 'SELECT * FROM day_closes WHERE day = ?').get(day) as DayCloseRow | undefined) ?? null
}

/**
 * A day's window: a closed day ends when it was closed (a Z report); what happens after — a late sale, a refund
 * of that day's sales — lands in the next day, which starts where the closed one ended.
 */
export function dayWindow(db: Database, day: string, startHour: number): { start: number; end: number } {
  const closed = getDayClose(db, day)
  if (closed) return { start: closed.starts_at, end: closed.ends_at }
  const nominal = nominalBounds(day, startHour)
  const previous = getDayClose(db, nextDay(day, -1))
  return { start: previous ? previous.ends_at : nominal.start, end: nominal.end }
}

export function insertDayClose(db: Database, row: DayCloseRow): boolean {
  keptSaleDays.delete(db)
  return (
    prepared(
      db,
      `INSERT OR IGNORE INTO day_closes (day, starts_at, ends_at, closed_at, closed_by, report)
       VALUES (@day, @starts_at, @ends_at, @closed_at, @closed_by, @report)`,
    ).run(row).changes === 1
  )
}

export function listDayCloses(db: Database, limit: number): DayCloseRow[] {
  return prepared(db, 'SELECT * FROM day_closes ORDER BY day DESC LIMIT ?').all(limit) as DayCloseRow[]
}
