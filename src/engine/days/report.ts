import type { Database } from 'better-sqlite3'
import type { z } from 'zod'
import type { DayReport } from '../../shared/api/daySchemas'
import { prepared } from '../db/prepared'
import { toIso } from '../clock'
import { channelFigures } from '../ledger/figures'
import { listShiftRows } from '../shifts/queries'
import { nextDay } from './window'

type Report = z.output<typeof DayReport>

interface Window {
  start: number
  end: number
}

function walletFigures(db: Database, day: string, window: Window): Report['wallets'] {
  return channelFigures(db, window).map((figures) => ({
    ...figures,
    settlementDate: figures.wallet === 'cash' ? day : nextDay(day),
  }))
}

/** Sales, refunds, fees and over/short of the window: the revenue side of the journal. */
function totals(db: Database, window: Window): Report['totals'] {
  const row = prepared(
    db,
    `SELECT
       COUNT(DISTINCT CASE WHEN t.kind = 'sale' THEN t.id END) AS orders,
       -COALESCE(SUM(CASE WHEN e.account = 'sales' THEN e.amount_fen END), 0) AS sales_fen,
       COUNT(DISTINCT CASE WHEN t.kind = 'refund' THEN t.id END) AS refunds,
       COALESCE(SUM(CASE WHEN e.account = 'refunds' THEN e.amount_fen END), 0) AS refunds_fen,
       COALESCE(SUM(CASE WHEN e.account LIKE 'fees:%' THEN e.amount_fen END), 0) AS fees_fen,
       -COALESCE(SUM(CASE WHEN e.account = 'over_short' THEN e.amount_fen END), 0) AS over_short_fen
     FROM journal_transactions t JOIN journal_entries e ON e.txn_id = t.id
     WHERE t.at >= @start AND t.at < @end`,
  ).get(window) as Record<string, number>
  const orders = row.orders ?? 0
  const salesFen = row.sales_fen ?? 0
  return {
    orders,
    salesFen,
    refunds: row.refunds ?? 0,
    refundsFen: row.refunds_fen ?? 0,
    feesFen: row.fees_fen ?? 0,
    netFen: salesFen - (row.refunds_fen ?? 0) - (row.fees_fen ?? 0),
    averageTicketFen: orders === 0 ? 0 : Math.round(salesFen / orders),
    cashOverShortFen: row.over_short_fen ?? 0,
  }
}

function friendPay(db: Database, window: Window, salesFen: number): Report['friendPay'] {
  const row = prepared(
    db,
    `SELECT COUNT(*) AS n, COALESCE(SUM(o.total_fen), 0) AS fen FROM journal_transactions t
       JOIN orders o ON o.id = t.order_id JOIN payment_attempts a ON a.id = o.paid_attempt_id
     WHERE t.kind = 'sale' AND t.at >= @start AND t.at < @end AND a.friend_pay_id IS NOT NULL`,
  ).get(window) as { n: number; fen: number }
  return { orders: row.n, salesFen: row.fen, shareBp: salesFen === 0 ? 0 : Math.round((row.fen * 10_000) / salesFen) }
}

function cashiers(db: Database, window: Window): Report['cashiers'] {
  const rows = prepared(
    db,
    `SELECT t.staff_id, s.name,
       COUNT(DISTINCT CASE WHEN t.kind = 'sale' THEN t.id END) AS orders,
       -COALESCE(SUM(CASE WHEN e.account = 'sales' THEN e.amount_fen END), 0) AS sales_fen,
       COUNT(DISTINCT CASE WHEN t.kind = 'refund' THEN t.id END) AS refunds,
       COALESCE(SUM(CASE WHEN e.account = 'refunds' THEN e.amount_fen END), 0) AS refunds_fen
     FROM journal_transactions t JOIN journal_entries e ON e.txn_id = t.id LEFT JOIN staff s ON s.id = t.staff_id
     WHERE t.at >= @start AND t.at < @end AND t.kind IN ('sale', 'refund')
     GROUP BY t.staff_id ORDER BY sales_fen DESC`,
  ).all(window) as {
    staff_id: string | null
    name: string | null
    orders: number
    sales_fen: number
    refunds: number
    refunds_fen: number
  }[]
  return rows.map((r) => ({
    staffId: r.staff_id,
    name: r.name,
    orders: r.orders,
    salesFen: r.sales_fen,
    refunds: r.refunds,
    refundsFen: r.refunds_fen,
  }))
}

function shifts(db: Database, window: Window): Report['shifts'] {
  return listShiftRows(db, { from: window.start, to: window.end, limit: 200 }).map((s) => ({
    id: s.id,
    tillId: s.till_id,
    status: s.status,
    openedAt: toIso(s.opened_at),
    closedAt: s.closed_at === null ? null : toIso(s.closed_at),
    expectedCashFen: s.expected_cash_fen,
    countedCashFen: s.counted_cash_fen,
    differenceFen: s.difference_fen,
  }))
}

/** The day report of a window, from the journal (every figure traceable to its entries). */
export function dayFigures(
  db: Database,
  day: string,
  window: Window,
): Pick<Report, 'totals' | 'wallets' | 'friendPay' | 'cashiers' | 'shifts'> {
  const dayTotals = totals(db, window)
  return {
    totals: dayTotals,
    wallets: walletFigures(db, day, window),
    friendPay: friendPay(db, window, dayTotals.salesFen),
    cashiers: cashiers(db, window),
    shifts: shifts(db, window),
  }
}
