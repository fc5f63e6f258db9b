import type { Database } from 'better-sqlite3'
import { prepared } from '../db/prepared'
import { foldBalances, foldWhileWriting } from './folds'

/** What a journal transaction records; its entries are signed (debit positive, credit negative). */
export type JournalKind =
  | 'payment'
  | 'fee'
  | 'sale'
  | 'refund'
  | 'automatic_refund'
  | 'cash_in'
  | 'cash_out'
  | 'float'
  | 'shift_difference'
  | 'reversal'

export interface JournalTransaction {
  kind: JournalKind
  at: number
  orderId?: string | null
  attemptId?: string | null
  refundId?: string | null
  shiftId?: string | null
  movementId?: string | null
  staffId?: string | null
  tillId?: string | null
  memo?: string | null
  entries: readonly { account: string; amountFen: number }[]
}

/**
 * Posts one balanced transaction (inside the caller's unit of work); balances and report sums take it in when its
 * commit group commits (folds.ts). An unbalanced or empty transaction is a bug, refused before anything is written.
 */
export function post(db: Database, txn: JournalTransaction): number {
  const byAccount = new Map<string, number>()
  for (const entry of txn.entries) byAccount.set(entry.account, (byAccount.get(entry.account) ?? 0) + entry.amountFen)
  const entries = [...byAccount]
    .map(([account, amountFen]) => ({ account, amountFen }))
    .filter((e) => e.amountFen !== 0)
  const sum = entries.reduce((total, entry) => total + entry.amountFen, 0)
  if (entries.length < 2 || sum !== 0 || !entries.every((e) => Number.isSafeInteger(e.amountFen))) {
    throw new Error(`journal transaction ${txn.kind} does not balance: ${JSON.stringify(entries)}`)
  }
  const { lastInsertRowid } = prepared(
    db,
    `INSERT INTO journal_transactions (kind, at, amount_fen, order_id, attempt_id, refund_id, shift_id, movement_id,
       staff_id, till_id, memo)
     VALUES (@kind, @at, @amountFen, @orderId, @attemptId, @refundId, @shiftId, @movementId, @staffId, @tillId, @memo)`,
  ).run({
    kind: txn.kind,
    at: txn.at,
    amountFen: entries.reduce((debits, entry) => debits + Math.max(entry.amountFen, 0), 0),
    orderId: txn.orderId ?? null,
    attemptId: txn.attemptId ?? null,
    refundId: txn.refundId ?? null,
    shiftId: txn.shiftId ?? null,
    movementId: txn.movementId ?? null,
    staffId: txn.staffId ?? null,
    tillId: txn.tillId ?? null,
    memo: txn.memo ?? null,
  })
  const id = Number(lastInsertRowid)
  const insert = prepared(db, 'INSERT INTO journal_entries (txn_id, account, amount_fen) VALUES (?, ?, ?)')
  for (const entry of entries) insert.run(id, entry.account, entry.amountFen)
  return id
}

/** Every account's running balance (the journal folded in first, see folds.ts). */
export function balances(db: Database): Map<string, number> {
  foldWhileWriting(db, foldBalances)
  const rows = prepared(db, 'SELECT account, balance_fen FROM ledger_balances ORDER BY account').all() as {
    account: string
    balance_fen: number
  }[]
  return new Map(rows.map((row) => [row.account, row.balance_fen]))
}
