import type { Database } from 'better-sqlite3'
import type { ReconciliationWallet } from '../../shared/api/reconciliationSchemas'
import { prepared } from '../db/prepared'
import type { DiscrepancyRow } from '../reconciliation/queries'
import { describeDiscrepancy } from '../reconciliation/words'
import { beijingTime, fenCell, pagesAfter, type Cell, type Sheet } from './sheet'
import { HEADERS, valueWords, type ExportLang } from './words'
import { PAGE_ROWS, type DayRange } from './range'

type Row = DiscrepancyRow & {
  date: string
  wallet: ReconciliationWallet
  mode: string
  resolved_by_name: string | null
}

// The range is of bill dates (Beijing calendar days); keyset paging on (date, id).
const PAGE_SQL = `
  SELECT d.*, r.date, r.wallet, r.mode, s.name AS resolved_by_name
  FROM reconciliation_discrepancies d
    JOIN reconciliation_runs r ON r.id = d.run_id
    LEFT JOIN staff s ON s.id = d.resolved_by
  WHERE r.date >= max(@from, @date) AND r.date <= @to AND (r.date, d.id) > (@date, @id)
  ORDER BY r.date, d.id
  LIMIT @limit`

const COLUMNS = [
  ['billDate', 12],
  ['wallet', 12],
  ['mode', 8],
  ['kind', 16],
  ['outTradeNo', 32],
  ['outRefundNo', 32],
  ['order', 32],
  ['ours', 14],
  ['theirs', 14],
  ['suggestion', 60],
  ['status', 10],
  ['note', 30],
  ['resolvedAt', 20],
  ['resolvedBy', 12],
] as const

/** One row per discrepancy found in the bills of the range's days, with what to do and what was done. */
export function discrepanciesSheet(db: Database, range: DayRange, lang: ExportLang): Sheet {
  const words = valueWords(lang)
  const toCells = (r: Row): Cell[] => [
    ...[r.date, words(r.wallet), words(r.mode), words(r.kind), r.out_trade_no ?? '', r.out_refund_no ?? ''],
    ...[r.order_id ?? '', fenCell(r.ours_fen), fenCell(r.theirs_fen)],
    describeDiscrepancy(r, r.wallet, lang).suggestedAction,
    ...[
      words(`discrepancy_${r.status}`),
      r.note ?? '',
      beijingTime(r.resolved_at),
      r.resolved_by_name ?? r.resolved_by ?? '',
    ],
  ]
  return {
    name: lang === 'zh-CN' ? '对账差异' : 'Discrepancies',
    columns: COLUMNS.map(([key, width]) => ({ header: HEADERS[lang][key] ?? key, width })),
    pages: () =>
      pagesAfter({ date: '', id: '' }, (after) => {
        const rows: Cell[][] = []
        let last: Row | null = null
        const params = { from: range.from, to: range.to, ...after, limit: PAGE_ROWS }
        for (const row of prepared(db, PAGE_SQL).iterate(params) as IterableIterator<Row>) {
          rows.push(toCells(row))
          last = row
        }
        return last ? { rows, next: { date: last.date, id: last.id } } : null
      }),
  }
}
