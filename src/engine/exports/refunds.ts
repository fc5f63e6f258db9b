import type { Database } from 'better-sqlite3'
import { prepared } from '../db/prepared'
import { beijingTime, fenCell, orderNumber, pagesAfter, type Cell, type Sheet } from './sheet'
import { HEADERS, valueWords, type ExportLang } from './words'
import { PAGE_ROWS, rangeWindow, type DayRange } from './range'

interface RefundRow {
  id: string
  order_id: string
  day_number: number | null
  attempt_id: string
  wallet: string
  kind: string
  reason: string
  status: string
  amount_fen: number
  provider_refund_no: string | null
  created_at: number
  succeeded_at: number | null
  requested_by: string | null
  approved_by: string | null
}

// Keyset paging on (created_at, id) along the refunds_by_time index.
const PAGE_SQL = `
  SELECT r.id, r.order_id, o.day_number, r.attempt_id, r.wallet, r.kind, r.reason, r.status, r.amount_fen,
    r.provider_refund_no, r.created_at, r.succeeded_at, s.name AS requested_by, ap.name AS approved_by
  FROM refunds r
    JOIN orders o ON o.id = r.order_id
    LEFT JOIN staff s ON s.id = r.staff_id
    LEFT JOIN staff ap ON ap.id = r.approved_by
  WHERE r.created_at >= max(@start, @at) AND r.created_at < @end AND (r.created_at, r.id) > (@at, @id)
  ORDER BY r.created_at, r.id
  LIMIT @limit`

const COLUMNS = [
  ['outRefundNo', 32],
  ['number', 8],
  ['order', 32],
  ['outTradeNo', 32],
  ['created', 20],
  ['succeeded', 20],
  ['kind', 10],
  ['reason', 16],
  ['status', 10],
  ['wallet', 12],
  ['amount', 14],
  ['refundNo', 32],
  ['requestedBy', 12],
  ['approvedBy', 12],
] as const

/** One row per refund asked for in the range, merchant and automatic, with who asked and who approved. */
export function refundsSheet(db: Database, range: DayRange, lang: ExportLang): Sheet {
  const words = valueWords(lang)
  const toCells = (r: RefundRow): Cell[] => [
    ...[r.id, orderNumber(r.day_number), r.order_id, r.attempt_id, beijingTime(r.created_at)],
    ...[beijingTime(r.succeeded_at), words(r.kind), r.reason, words(r.status), words(r.wallet)],
    ...[fenCell(r.amount_fen), r.provider_refund_no ?? '', r.requested_by ?? '', r.approved_by ?? ''],
  ]
  const window = rangeWindow(db, range)
  return {
    name: lang === 'zh-CN' ? '退款' : 'Refunds',
    columns: COLUMNS.map(([key, width]) => ({ header: HEADERS[lang][key] ?? key, width })),
    pages: () =>
      pagesAfter({ at: 0, id: '' }, (after) => {
        const rows: Cell[][] = []
        let last: RefundRow | null = null
        const params = { ...window, ...after, limit: PAGE_ROWS }
        for (const row of prepared(db, PAGE_SQL).iterate(params) as IterableIterator<RefundRow>) {
          rows.push(toCells(row))
          last = row
        }
        return last ? { rows, next: { at: last.created_at, id: last.id } } : null
      }),
  }
}
