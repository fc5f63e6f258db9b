import type { Database } from 'better-sqlite3'
import { prepared } from '../db/prepared'
import { HOUR_MS } from './range'

/** One hour's (or, where an hour is cut, one posting's) sum of entries of a kind and account; account '' is the
 * transaction itself. */
export interface EntryFact {
  at: number
  kind: string
  account: string
  n: number
  fen: number
}

export interface PeopleFact extends EntryFact {
  till_id: string
  staff_id: string
  friend: number
}

export interface ProductFact {
  at: number
  product_id: string
  name: string
  quantity: number
  fen: number
  orders: number
}

export interface Facts {
  entries: EntryFact[]
  people: PeopleFact[]
  products: ProductFact[]
}

interface Span {
  start: number
  end: number
}

/** Sections a report needs; a previous period's totals need only the entries. */
export type FactKind = keyof Facts

const ROLLUPS: Record<FactKind, string> = {
  entries: 'SELECT hour_at AS at, kind, account, n, fen FROM report_hours WHERE hour_at >= @start AND hour_at < @end',
  people: `SELECT hour_at AS at, kind, account, till_id, staff_id, friend, n, fen FROM report_people_hours
           WHERE hour_at >= @start AND hour_at < @end`,
  products: `SELECT hour_at AS at, product_id, name, quantity, fen, orders FROM report_product_hours
             WHERE hour_at >= @start AND hour_at < @end`,
}

/** The same rows read from the journal itself, for the part of an hour a report covers. */
const RAW: Record<FactKind, string> = {
  entries: `SELECT t.at, t.kind, '' AS account, 1 AS n, t.amount_fen AS fen FROM journal_transactions t
              WHERE t.at >= @start AND t.at < @end
            UNION ALL
            SELECT t.at, t.kind, e.account, 1, e.amount_fen FROM journal_transactions t
              JOIN journal_entries e ON e.txn_id = t.id WHERE t.at >= @start AND t.at < @end`,
  people: `SELECT t.at, t.kind, CASE WHEN e.account LIKE 'fees:%' THEN 'fees' ELSE e.account END AS account,
             COALESCE(t.till_id, '') AS till_id, COALESCE(t.staff_id, '') AS staff_id,
             CASE WHEN t.kind = 'sale' AND e.account = 'sales' THEN EXISTS (SELECT 1 FROM orders o
               JOIN payment_attempts a ON a.id = o.paid_attempt_id WHERE o.id = t.order_id AND a.friend_pay_id IS NOT NULL)
             ELSE 0 END AS friend, 1 AS n, e.amount_fen AS fen
           FROM journal_transactions t JOIN journal_entries e ON e.txn_id = t.id
           WHERE t.at >= @start AND t.at < @end AND (e.account IN ('sales', 'refunds') OR e.account LIKE 'fees:%')`,
  products: `SELECT t.at, COALESCE(l.product_id, '') AS product_id, l.name, SUM(l.quantity) AS quantity,
               SUM(l.amount_fen) AS fen, 1 AS orders
             FROM journal_transactions t JOIN order_lines l ON l.order_id = t.order_id
             WHERE t.kind = 'sale' AND t.at >= @start AND t.at < @end
             GROUP BY t.id, l.product_id, l.name`,
}

const floorHour = (at: number) => Math.floor(at / HOUR_MS) * HOUR_MS

/**
 * How a range splits: whole hours no cut falls inside are read from the hourly sums; an hour a cut falls inside
 * (the range's own ends, a day closed at 22:17) is read raw, piece by piece, so every row lies in one bucket.
 */
export function planRead(range: Span, cuts: readonly number[]): { whole: Span; rawHours: Span[] } {
  const inside = cuts.filter((at) => at > range.start && at < range.end)
  const cutHours = new Set([range.start, range.end, ...inside].filter((at) => at % HOUR_MS !== 0).map(floorHour))
  const rawHours = [...cutHours]
    .sort((a, b) => a - b)
    .map((hour) => ({ start: Math.max(hour, range.start), end: Math.min(hour + HOUR_MS, range.end) }))
    .filter((span) => span.start < span.end)
  return { whole: { start: Math.ceil(range.start / HOUR_MS) * HOUR_MS, end: floorHour(range.end) }, rawHours }
}

function readKind<K extends FactKind>(db: Database, kind: K, range: Span, cuts: readonly number[]): Facts[K] {
  if (range.start >= range.end) return []
  const plan = planRead(range, cuts)
  const skipped = new Set(plan.rawHours.map((span) => floorHour(span.start)))
  const rows = (prepared(db, ROLLUPS[kind]).all(plan.whole) as { at: number }[]).filter((row) => !skipped.has(row.at))
  const raw = prepared(db, RAW[kind])
  for (const span of plan.rawHours) rows.push(...(raw.all(span) as { at: number }[]))
  return rows as Facts[K]
}

/** What a range's report is made of, from the hourly sums and the journal. */
export function readFacts(db: Database, range: Span, cuts: readonly number[]): Facts {
  return {
    entries: readKind(db, 'entries', range, cuts),
    people: readKind(db, 'people', range, cuts),
    products: readKind(db, 'products', range, cuts),
  }
}

export function readEntryFacts(db: Database, range: Span): EntryFact[] {
  return readKind(db, 'entries', range, [])
}
