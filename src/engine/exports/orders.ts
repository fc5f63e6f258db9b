import type { Database } from 'better-sqlite3'
import { prepared } from '../db/prepared'
import { beijingTime, fenCell, orderNumber, pagesAfter, type Cell, type Sheet } from './sheet'
import { HEADERS, valueWords, type ExportLang } from './words'
import { PAGE_ROWS, type DayRange } from './range'

interface OrderRow {
  id: string
  business_day: string
  day_number: number
  created_at: number
  paid_at: number | null
  status: string
  paid_wallet: string | null
  method: string | null
  mode: string | null
  total_fen: number
  refunded_fen: number
  cashier: string | null
  till: string | null
}

// Keyset paging on (business_day, day_number), the unique index every order has. The range starts at the cursor's
// day (max), so each page seeks to its day instead of scanning the days already written.
const PAGE_SQL = `
  SELECT o.id, o.business_day, o.day_number, o.created_at, o.paid_at, o.status, o.paid_wallet,
    a.method, a.mode, o.total_fen, o.refunded_fen, s.name AS cashier, t.name AS till
  FROM orders o
    LEFT JOIN payment_attempts a ON a.id = o.paid_attempt_id
    LEFT JOIN staff s ON s.id = o.staff_id
    LEFT JOIN tills t ON t.id = o.till_id
  WHERE o.business_day BETWEEN max(@from, @day) AND @to AND (o.business_day, o.day_number) > (@day, @number)
  ORDER BY o.business_day, o.day_number
  LIMIT @limit`

const COLUMNS = [
  ['number', 8],
  ['order', 32],
  ['day', 12],
  ['created', 20],
  ['paid', 20],
  ['status', 10],
  ['wallet', 12],
  ['method', 10],
  ['amount', 14],
  ['refunded', 14],
  ['net', 14],
  ['cashier', 12],
  ['till', 12],
  ['mode', 8],
] as const

/** One row per order made on the business days of the range, by day and number. */
export function ordersSheet(db: Database, range: DayRange, lang: ExportLang): Sheet {
  const words = valueWords(lang)
  const toCells = (o: OrderRow): Cell[] => {
    const paid = o.status === 'paid'
    return [
      ...[orderNumber(o.day_number), o.id, o.business_day, beijingTime(o.created_at), beijingTime(o.paid_at)],
      ...[words(o.status), words(o.paid_wallet), words(o.method)],
      ...[fenCell(o.total_fen), fenCell(o.refunded_fen), fenCell(paid ? o.total_fen - o.refunded_fen : null)],
      ...[o.cashier ?? '', o.till ?? '', words(o.mode)],
    ]
  }
  return {
    name: lang === 'zh-CN' ? '订单' : 'Orders',
    columns: COLUMNS.map(([key, width]) => ({ header: HEADERS[lang][key] ?? key, width })),
    pages: () =>
      pagesAfter({ day: '', number: 0 }, (after) => {
        const rows: Cell[][] = []
        let last: OrderRow | null = null
        const params = { from: range.from, to: range.to, ...after, limit: PAGE_ROWS }
        for (const row of prepared(db, PAGE_SQL).iterate(params) as IterableIterator<OrderRow>) {
          rows.push(toCells(row))
          last = row
        }
        return last ? { rows, next: { day: last.business_day, number: last.day_number } } : null
      }),
  }
}
