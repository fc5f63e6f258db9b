import type { Database } from 'better-sqlite3'
import { prepared } from '../db/prepared'
import { beijingTime, fenCell, orderNumber, pagesAfter, type Cell, type Sheet } from './sheet'
import { HEADERS, valueWords, type ExportLang } from './words'
import { PAGE_ROWS, rangeWindow, type DayRange } from './range'

interface PaymentRow {
  id: string
  order_id: string
  day_number: number | null
  wallet: string
  method: string
  account_id: string | null
  status: string
  amount_fen: number
  merchant_fee_fen: number | null
  provider_trade_no: string | null
  created_at: number
  succeeded_at: number | null
  cashier: string | null
  mode: string
}

// Ids are time-ordered: paging on the primary key reads each attempt once, in the order they were made.
const PAGE_SQL = `
  SELECT a.id, a.order_id, o.day_number, a.wallet, a.method, a.account_id, a.status, a.amount_fen,
    a.merchant_fee_fen, a.provider_trade_no, a.created_at, a.succeeded_at, s.name AS cashier, a.mode
  FROM payment_attempts a
    JOIN orders o ON o.id = a.order_id
    LEFT JOIN staff s ON s.id = a.staff_id
  WHERE a.id > @after AND a.created_at >= @start AND a.created_at < @end
  ORDER BY a.id
  LIMIT @limit`

const COLUMNS = [
  ['outTradeNo', 32],
  ['number', 8],
  ['order', 32],
  ['created', 20],
  ['succeeded', 20],
  ['status', 10],
  ['wallet', 12],
  ['method', 10],
  ['account', 16],
  ['amount', 14],
  ['fee', 12],
  ['tradeNo', 32],
  ['cashier', 12],
  ['mode', 8],
] as const

/**
 * Every payment attempt made in the range, whatever became of it (a status column): a wallet's bill lists the
 * ones that succeeded, and the others explain a customer's "I scanned it twice".
 */
export function paymentsSheet(db: Database, range: DayRange, lang: ExportLang): Sheet {
  const words = valueWords(lang)
  const toCells = (p: PaymentRow): Cell[] => [
    ...[p.id, orderNumber(p.day_number), p.order_id, beijingTime(p.created_at), beijingTime(p.succeeded_at)],
    ...[words(p.status), words(p.wallet), words(p.method), p.account_id ?? ''],
    ...[fenCell(p.amount_fen), fenCell(p.merchant_fee_fen), p.provider_trade_no ?? '', p.cashier ?? ''],
    words(p.mode),
  ]
  const window = rangeWindow(db, range)
  return {
    name: lang === 'zh-CN' ? '支付' : 'Payments',
    columns: COLUMNS.map(([key, width]) => ({ header: HEADERS[lang][key] ?? key, width })),
    pages: () =>
      pagesAfter('', (after) => {
        const rows: Cell[][] = []
        let last: string | null = null
        const params = { after, ...window, limit: PAGE_ROWS }
        for (const row of prepared(db, PAGE_SQL).iterate(params) as IterableIterator<PaymentRow>) {
          rows.push(toCells(row))
          last = row.id
        }
        return last === null ? null : { rows, next: last }
      }),
  }
}
