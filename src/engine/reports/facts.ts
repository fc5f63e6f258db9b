import type { Database } from 'better-sqlite3'
import { prepared } from '../db/prepared'
import { HOUR_MS } from './range'

/** Entries of a kind and account summed; account '' is the transaction itself (how many, what it moved). */
export interface EntryFact {
  kind: string
  account: string
  n: number
  fen: number
}

/** Sales, refunds and fees ('fees' for every wallet's) by till and cashier, sales split by friend pay. */
export interface PeopleFact extends EntryFact {
  till_id: string
  staff_id: string
  friend: number
}

export interface ProductFact {
  product_id: string
  name: string
  quantity: number
  fen: number
  orders: number
}

/** One hour's, or one piece of a cut hour's, figures for a chart. */
export interface SeriesFact {
  at: number
  orders: number
  sales_fen: number
  refunds_fen: number
  fees_fen: number
}

interface Span {
  start: number
  end: number
}

/** Where rows come from: the hourly sums of whole hours, or the journal itself for part of an hour. */
interface Source {
  entries: string
  people: string
  products: string
}

const HOURLY: Source = {
  entries: 'SELECT hour_at AS at, kind, account, n, fen FROM report_hours WHERE hour_at >= @start AND hour_at < @end',
  people: `SELECT kind, account, till_id, staff_id, friend, n, fen FROM report_people_hours
           WHERE hour_at >= @start AND hour_at < @end`,
  products: `SELECT product_id, name, quantity, fen, orders FROM report_product_hours
             WHERE hour_at >= @start AND hour_at < @end`,
}

/** The same rows as the hourly sums add up (sumFolds.ts), read straight from the journal. */
const JOURNAL: Source = {
  entries: `SELECT t.at, t.kind, '' AS account, 1 AS n, t.amount_fen AS fen FROM journal_transactions t
              WHERE t.at >= @start AND t.at < @end
            UNION ALL
            SELECT t.at, t.kind, e.account, 1, e.amount_fen FROM journal_transactions t
              JOIN journal_entries e ON e.txn_id = t.id WHERE t.at >= @start AND t.at < @end`,
  people: `SELECT t.kind, CASE WHEN e.account LIKE 'fees:%' THEN 'fees' ELSE e.account END AS account,
             COALESCE(t.till_id, '') AS till_id, COALESCE(t.staff_id, '') AS staff_id,
             CASE WHEN t.kind = 'sale' AND e.account = 'sales' THEN EXISTS (SELECT 1 FROM orders o
               JOIN payment_attempts a ON a.id = o.paid_attempt_id WHERE o.id = t.order_id AND a.friend_pay_id IS NOT NULL)
             ELSE 0 END AS friend, 1 AS n, e.amount_fen AS fen
           FROM journal_transactions t JOIN journal_entries e ON e.txn_id = t.id
           WHERE t.at >= @start AND t.at < @end AND (e.account IN ('sales', 'refunds') OR e.account LIKE 'fees:%')`,
  products: `SELECT COALESCE(l.product_id, '') AS product_id, l.name, l.quantity, l.amount_fen AS fen, t.id AS txn
             FROM journal_transactions t JOIN order_lines l ON l.order_id = t.order_id
             WHERE t.kind = 'sale' AND t.at >= @start AND t.at < @end`,
}

/** Each reading summed in SQL over a source: the range's figures as a handful of rows. */
const GROUPED = {
  entries: (from: string) => `SELECT kind, account, SUM(n) AS n, SUM(fen) AS fen FROM (${from}) GROUP BY kind, account`,
  people: (from: string) =>
    `SELECT kind, account, till_id, staff_id, friend, SUM(n) AS n, SUM(fen) AS fen FROM (${from})
     GROUP BY kind, account, till_id, staff_id, friend`,
  products: (from: string, raw: boolean) =>
    `SELECT product_id, name, SUM(quantity) AS quantity, SUM(fen) AS fen,
       ${raw ? 'COUNT(DISTINCT txn)' : 'SUM(orders)'} AS orders FROM (${from}) GROUP BY product_id, name`,
  series: (from: string, at: string) =>
    `SELECT ${at} AS at,
       COALESCE(SUM(CASE WHEN account = '' AND kind = 'sale' THEN n END), 0) AS orders,
       -COALESCE(SUM(CASE WHEN account = 'sales' THEN fen END), 0) AS sales_fen,
       COALESCE(SUM(CASE WHEN account = 'refunds' THEN fen END), 0) AS refunds_fen,
       COALESCE(SUM(CASE WHEN account LIKE 'fees:%' THEN fen END), 0) AS fees_fen
     FROM (${from}) GROUP BY ${at === 'at' ? 'at' : '1'}`,
}

/** Friend-pay requests made in a range, and how many of them were paid. */
export const FRIEND_PAY_REQUESTS = `SELECT COUNT(*) AS requests, COALESCE(SUM(status = 'paid'), 0) AS paid
  FROM friend_pay_requests WHERE created_at >= @start AND created_at < @end`

const floorHour = (at: number) => Math.floor(at / HOUR_MS) * HOUR_MS

/**
 * How a range splits: whole hours no cut falls inside are read from the hourly sums; an hour a cut falls inside
 * (the range's own ends, a day closed at 22:17) is read from the journal, piece by piece, so no row straddles a cut.
 */
export function planRead(range: Span, cuts: readonly number[]): { whole: Span; pieces: Span[] } {
  const inside = cuts.filter((at) => at > range.start && at < range.end)
  const cutHours = new Set([range.start, range.end, ...inside].filter((at) => at % HOUR_MS !== 0).map(floorHour))
  const pieces: Span[] = []
  for (const hour of [...cutHours].sort((a, b) => a - b)) {
    const bounds = [hour, ...inside.filter((at) => at > hour && at < hour + HOUR_MS), hour + HOUR_MS]
    for (let i = 0; i + 1 < bounds.length; i++) {
      const piece = { start: Math.max(bounds[i]!, range.start), end: Math.min(bounds[i + 1]!, range.end) }
      if (piece.start < piece.end) pieces.push(piece)
    }
  }
  const whole = { start: Math.ceil(range.start / HOUR_MS) * HOUR_MS, end: floorHour(range.end) }
  return { whole: whole.start < whole.end ? whole : { start: 0, end: 0 }, pieces }
}

type Grouped = 'entries' | 'people' | 'products'
type Row<K extends Grouped> = { entries: EntryFact; people: PeopleFact; products: ProductFact }[K]

/** A reading over the whole range: no cut inside matters, only the range's own ends. */
function readGrouped<K extends Grouped>(db: Database, kind: K, range: Span): Row<K>[] {
  if (range.start >= range.end) return []
  const plan = planRead(range, [])
  const rows = prepared(db, GROUPED[kind](HOURLY[kind], false)).all(plan.whole) as Row<K>[]
  const raw = prepared(db, GROUPED[kind](JOURNAL[kind], true))
  for (const piece of plan.pieces) rows.push(...(raw.all(piece) as Row<K>[]))
  return rows
}

export const readEntryFacts = (db: Database, range: Span) => readGrouped(db, 'entries', range)
export const readPeopleFacts = (db: Database, range: Span) => readGrouped(db, 'people', range)
export const readProductFacts = (db: Database, range: Span) => readGrouped(db, 'products', range)

/** A chart's figures per hour (and per piece of an hour a bucket's boundary cuts), to be put in buckets. */
export function readSeriesFacts(db: Database, range: Span, cuts: readonly number[]): SeriesFact[] {
  if (range.start >= range.end) return []
  const plan = planRead(range, cuts)
  const cutHours = new Set(plan.pieces.map((piece) => floorHour(piece.start)))
  const rows = (prepared(db, GROUPED.series(HOURLY.entries, 'at')).all(plan.whole) as SeriesFact[]).filter(
    (row) => !cutHours.has(row.at),
  )
  const raw = prepared(db, GROUPED.series(JOURNAL.entries, '@start'))
  for (const piece of plan.pieces) rows.push(...(raw.all(piece) as SeriesFact[]))
  return rows
}

/** Each SQL statement a report runs, by name (the query-plan test checks they search by time). */
export function reportQueries(): [string, string][] {
  const kinds = ['entries', 'people', 'products'] as const
  return [
    ...kinds.map((kind): [string, string] => [`${kind} of whole hours`, GROUPED[kind](HOURLY[kind], false)]),
    ...kinds.map((kind): [string, string] => [`${kind} of part of an hour`, GROUPED[kind](JOURNAL[kind], true)]),
    ['series of whole hours', GROUPED.series(HOURLY.entries, 'at')],
    ['series of part of an hour', GROUPED.series(JOURNAL.entries, '@start')],
    ['friend-pay requests made', FRIEND_PAY_REQUESTS],
  ]
}
