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
  const entries = balancedEntries(txn)
  let debits = 0
  for (const entry of entries) if (entry.amountFen > 0) debits += entry.amountFen
  const { lastInsertRowid } = prepared(
    db,
    `INSERT INTO journal_transactions (kind, at, amount_fen, order_id, attempt_id, refund_id, shift_id, movement_id,
       staff_id, till_id, memo)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    txn.kind,
    txn.at,
    debits,
    txn.orderId ?? null,
    txn.attemptId ?? null,
    txn.refundId ?? null,
    txn.shiftId ?? null,
    txn.movementId ?? null,
    txn.staffId ?? null,
    txn.tillId ?? null,
    txn.memo ?? null,
  )
  const id = Number(lastInsertRowid)
  const params: (string | number)[] = []
  for (const entry of entries) params.push(id, entry.account, entry.amountFen)
  insertEntries(db, entries.length).run(params)
  return id
}

/** The entries, one per account (amounts summed, zeros dropped); throws unless they balance. */
function balancedEntries(txn: JournalTransaction): { account: string; amountFen: number }[] {
  const byAccount = new Map<string, number>()
  for (const entry of txn.entries) byAccount.set(entry.account, (byAccount.get(entry.account) ?? 0) + entry.amountFen)
  const entries: { account: string; amountFen: number }[] = []
  let sum = 0
  for (const [account, amountFen] of byAccount) {
    if (amountFen === 0) continue
    entries.push({ account, amountFen })
    sum += amountFen
  }
  if (entries.length < 2 || sum !== 0 || !entries.every((e) => Number.isSafeInteger(e.amountFen))) {
    throw new Error(`journal transaction ${txn.kind} does not balance: ${JSON.stringify(entries)}`)
  }
  return entries
}

/** A transaction's entries go in one statement (a transaction has a handful). */
function insertEntries(db: Database, count: number) {
  const rows = Array.from({ length: count }, () => '(?, ?, ?)').join(', ')
  return prepared(db, `INSERT INTO journal_entries (txn_id, account, amount_fen) VALUES ${rows}`)
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
