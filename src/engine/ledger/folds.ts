import type { Database } from 'better-sqlite3'
import { prepared } from '../db/prepared'

/**
 * Sums kept beside the journal — each account's balance, and the journal per clock hour for reports — take in a
 * commit group's postings once, just before the group commits, rather than row by row as they are posted: a sale
 * then writes its journal rows and nothing else, which saves about a tenth of a checkout's CPU. The journal is
 * append-only and its transaction ids only grow, so each sum notes the last transaction it holds and a fold adds
 * what was posted after it, inside the same transaction, so a sum and its mark always move together. Committed
 * sums are therefore always whole; a reader inside an open group folds first (`foldWhileWriting`). The balances'
 * fold is here; the report sums' is in reports/sumFolds.ts; the engine runs both before each commit.
 */
export type JournalFold = 'ledger_balances' | 'report_rollups'

export const JOURNAL_FOLDS_SCHEMA = `
        CREATE TABLE journal_folds (
          name TEXT PRIMARY KEY CHECK (name IN ('ledger_balances', 'report_rollups')),
          through_txn INTEGER NOT NULL
        ) WITHOUT ROWID;
`

/** The rows a fold adds: the journal transactions after @through, up to and including @upto. */
export const foldRange = (column: string): string => `${column} > @through AND ${column} <= @upto`

/** Brings one sum up to date with the journal, by `statements` (each adds the range's transactions to the sum). */
export function foldJournal(db: Database, fold: JournalFold, statements: readonly string[]): void {
  const through = prepared(db, 'SELECT through_txn FROM journal_folds WHERE name = ?').pluck().get(fold) as number
  const upto = prepared(db, 'SELECT COALESCE(MAX(id), 0) FROM journal_transactions').pluck().get() as number
  // Most commit groups post nothing (orders made, codes shown): then there is nothing to write.
  if (upto <= through) return
  db.transaction(() => {
    for (const sql of statements) prepared(db, sql).run({ through, upto })
    prepared(db, 'UPDATE journal_folds SET through_txn = ? WHERE name = ?').run(upto, fold)
  })()
}

/** Sums one fold afresh from the whole journal (a journal written by other means: an import, a benchmark's seed). */
export function refoldJournal(
  db: Database,
  fold: JournalFold,
  tables: readonly string[],
  statements: readonly string[],
): void {
  db.transaction(() => {
    for (const table of tables) db.exec(`DELETE FROM ${table}`)
    db.prepare('UPDATE journal_folds SET through_txn = 0 WHERE name = ?').run(fold)
    foldJournal(db, fold, statements)
  })()
}

/**
 * What a reader calls before reading a sum: inside an open group (uncommitted postings) it folds them in now, as
 * the commit would; outside one every sum is already whole and nothing is written.
 */
export function foldWhileWriting(db: Database, fold: (db: Database) => void): void {
  if (db.inTransaction) fold(db)
}

const BALANCE_STATEMENTS = [
  `INSERT INTO ledger_balances (account, balance_fen)
     SELECT account, SUM(amount_fen) FROM journal_entries WHERE ${foldRange('txn_id')} GROUP BY account
     ON CONFLICT (account) DO UPDATE SET balance_fen = balance_fen + excluded.balance_fen`,
]

/** Each account's running balance brought up to date with the journal. */
export function foldBalances(db: Database): void {
  foldJournal(db, 'ledger_balances', BALANCE_STATEMENTS)
}

export function refoldBalances(db: Database): void {
  refoldJournal(db, 'ledger_balances', ['ledger_balances'], BALANCE_STATEMENTS)
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
