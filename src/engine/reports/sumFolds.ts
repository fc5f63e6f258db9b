import type { Database } from 'better-sqlite3'
import { foldJournal, foldRange, refoldJournal } from '../ledger/folds'
import { FRIEND_OF_SALE, PEOPLE_ACCOUNT } from './rollupSchema'

const ADD_TO_SUM = 'ON CONFLICT DO UPDATE SET n = n + excluded.n, fen = fen + excluded.fen'

/** What the journal's transactions after @through up to @upto add to each hour's sums (what reports/facts.ts reads). */
const REPORT_SUM_STATEMENTS = [
  `INSERT INTO report_hours (hour_at, kind, account, n, fen)
     SELECT at / 3600000 * 3600000, kind, '', COUNT(*), SUM(amount_fen) FROM journal_transactions
     WHERE ${foldRange('id')} GROUP BY 1, 2 ${ADD_TO_SUM}`,
  `INSERT INTO report_hours (hour_at, kind, account, n, fen)
     SELECT t.at / 3600000 * 3600000, t.kind, e.account, COUNT(*), SUM(e.amount_fen)
     FROM journal_entries e JOIN journal_transactions t ON t.id = e.txn_id
     WHERE ${foldRange('e.txn_id')} GROUP BY 1, 2, 3 ${ADD_TO_SUM}`,
  `INSERT INTO report_people_hours (hour_at, kind, account, till_id, staff_id, friend, n, fen)
     SELECT t.at / 3600000 * 3600000, t.kind, ${PEOPLE_ACCOUNT}, COALESCE(t.till_id, ''), COALESCE(t.staff_id, ''),
       CASE WHEN t.kind = 'sale' AND e.account = 'sales' THEN ${FRIEND_OF_SALE} ELSE 0 END, COUNT(*), SUM(e.amount_fen)
     FROM journal_entries e JOIN journal_transactions t ON t.id = e.txn_id
     WHERE ${foldRange('e.txn_id')} AND (e.account IN ('sales', 'refunds') OR e.account LIKE 'fees:%')
     GROUP BY 1, 2, 3, 4, 5, 6 ${ADD_TO_SUM}`,
  `INSERT INTO report_product_hours (hour_at, product_id, name, quantity, fen, orders)
     SELECT t.at / 3600000 * 3600000, COALESCE(l.product_id, ''), l.name, SUM(l.quantity), SUM(l.amount_fen),
       COUNT(DISTINCT t.id)
     FROM journal_transactions t JOIN order_lines l ON l.order_id = t.order_id
     WHERE t.kind = 'sale' AND ${foldRange('t.id')} GROUP BY 1, 2, 3
     ON CONFLICT DO UPDATE SET quantity = quantity + excluded.quantity, fen = fen + excluded.fen,
       orders = orders + excluded.orders`,
]

const REPORT_SUM_TABLES = ['report_hours', 'report_people_hours', 'report_product_hours']

/** The journal's hourly sums (rollupSchema.ts) brought up to date with the journal (see ledger/folds.ts). */
export function foldReportSums(db: Database): void {
  foldJournal(db, 'report_rollups', REPORT_SUM_STATEMENTS)
}

export function refoldReportSums(db: Database): void {
  refoldJournal(db, 'report_rollups', REPORT_SUM_TABLES, REPORT_SUM_STATEMENTS)
}
