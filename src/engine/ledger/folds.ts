import type { Database } from 'better-sqlite3'
import { prepared } from '../db/prepared'
import { FRIEND_OF_SALE, PEOPLE_ACCOUNT } from '../reports/rollupSchema'

/**
 * Sums kept beside the journal — each account's balance, and the journal per clock hour for reports — take in a
 * commit group's postings once, just before the group commits, rather than row by row as they are posted: a sale
 * then writes its journal rows and nothing else, which saves about a tenth of a checkout's CPU. The journal is
 * append-only and its transaction ids only grow, so each sum notes the last transaction it holds and a fold adds
 * what was posted after it, inside the same transaction, so a sum and its mark always move together. Committed
 * sums are therefore always whole; a reader inside an open group folds first (`foldWhileWriting`).
 */
export type JournalFold = 'ledger_balances' | 'report_rollups'

export const JOURNAL_FOLDS_SCHEMA = `
        CREATE TABLE journal_folds (
          name TEXT PRIMARY KEY CHECK (name IN ('ledger_balances', 'report_rollups')),
          through_txn INTEGER NOT NULL
        ) WITHOUT ROWID;
`

const ADD_TO_SUM = 'ON CONFLICT DO UPDATE SET n = n + excluded.n, fen = fen + excluded.fen'
const IN_RANGE = (column: string) => `${column} > @through AND ${column} <= @upto`

/** What each fold adds for the transactions after @through up to @upto (the statements reports/facts.ts reads). */
const FOLD_STATEMENTS: Record<JournalFold, readonly string[]> = {
  ledger_balances: [
    `INSERT INTO ledger_balances (account, balance_fen)
       SELECT account, SUM(amount_fen) FROM journal_entries WHERE ${IN_RANGE('txn_id')} GROUP BY account
       ON CONFLICT (account) DO UPDATE SET balance_fen = balance_fen + excluded.balance_fen`,
  ],
  report_rollups: [
    `INSERT INTO report_hours (hour_at, kind, account, n, fen)
       SELECT at / 3600000 * 3600000, kind, '', COUNT(*), SUM(amount_fen) FROM journal_transactions
       WHERE ${IN_RANGE('id')} GROUP BY 1, 2 ${ADD_TO_SUM}`,
    `INSERT INTO report_hours (hour_at, kind, account, n, fen)
       SELECT t.at / 3600000 * 3600000, t.kind, e.account, COUNT(*), SUM(e.amount_fen)
       FROM journal_entries e JOIN journal_transactions t ON t.id = e.txn_id
       WHERE ${IN_RANGE('e.txn_id')} GROUP BY 1, 2, 3 ${ADD_TO_SUM}`,
    `INSERT INTO report_people_hours (hour_at, kind, account, till_id, staff_id, friend, n, fen)
       SELECT t.at / 3600000 * 3600000, t.kind, ${PEOPLE_ACCOUNT}, COALESCE(t.till_id, ''), COALESCE(t.staff_id, ''),
         CASE WHEN t.kind = 'sale' AND e.account = 'sales' THEN ${FRIEND_OF_SALE} ELSE 0 END, COUNT(*), SUM(e.amount_fen)
       FROM journal_entries e JOIN journal_transactions t ON t.id = e.txn_id
       WHERE ${IN_RANGE('e.txn_id')} AND (e.account IN ('sales', 'refunds') OR e.account LIKE 'fees:%')
       GROUP BY 1, 2, 3, 4, 5, 6 ${ADD_TO_SUM}`,
    `INSERT INTO report_product_hours (hour_at, product_id, name, quantity, fen, orders)
       SELECT t.at / 3600000 * 3600000, COALESCE(l.product_id, ''), l.name, SUM(l.quantity), SUM(l.amount_fen),
         COUNT(DISTINCT t.id)
       FROM journal_transactions t JOIN order_lines l ON l.order_id = t.order_id
       WHERE t.kind = 'sale' AND ${IN_RANGE('t.id')} GROUP BY 1, 2, 3
       ON CONFLICT DO UPDATE SET quantity = quantity + excluded.quantity, fen = fen + excluded.fen,
         orders = orders + excluded.orders`,
  ],
}

const SUM_TABLES: Record<JournalFold, readonly string[]> = {
  ledger_balances: ['ledger_balances'],
  report_rollups: ['report_hours', 'report_people_hours', 'report_product_hours'],
}

/** Brings one sum up to date with the journal. */
export function foldJournal(db: Database, fold: JournalFold): void {
  db.transaction(() => {
    const through = prepared(db, 'SELECT through_txn FROM journal_folds WHERE name = ?').pluck().get(fold) as number
    const upto = prepared(db, 'SELECT COALESCE(MAX(id), 0) FROM journal_transactions').pluck().get() as number
    if (upto <= through) return
    for (const sql of FOLD_STATEMENTS[fold]) prepared(db, sql).run({ through, upto })
    prepared(db, 'UPDATE journal_folds SET through_txn = ? WHERE name = ?').run(upto, fold)
  })()
}

/** Brings every sum up to date with the journal. */
export function foldWholeJournal(db: Database): void {
  foldJournal(db, 'ledger_balances')
  foldJournal(db, 'report_rollups')
}

/**
 * What a reader calls before reading a sum: inside an open group (uncommitted postings) it folds them in now, as
 * the commit would; outside one every sum is already whole and nothing is written.
 */
export function foldWhileWriting(db: Database, fold: JournalFold): void {
  if (db.inTransaction) foldJournal(db, fold)
}

/** Sums every fold afresh from the whole journal (a journal written by other means: an import, a benchmark's seed). */
export function refoldJournal(db: Database): void {
  db.transaction(() => {
    for (const fold of Object.keys(SUM_TABLES) as JournalFold[]) {
      for (const table of SUM_TABLES[fold]) db.exec(`DELETE FROM ${table}`)
      db.prepare('UPDATE journal_folds SET through_txn = 0 WHERE name = ?').run(fold)
      foldJournal(db, fold)
    }
  })()
}

/** The migration that stops summing on every posting: the sums are current, so they hold the journal so far. */
export const JOURNAL_FOLDS_MIGRATION = `
        DROP TRIGGER report_hours_of_transaction;
        DROP TRIGGER report_hours_of_entry;
        ${JOURNAL_FOLDS_SCHEMA}
        INSERT INTO journal_folds (name, through_txn)
          SELECT name, (SELECT COALESCE(MAX(id), 0) FROM journal_transactions)
          FROM (SELECT 'ledger_balances' AS name UNION ALL SELECT 'report_rollups');
`
