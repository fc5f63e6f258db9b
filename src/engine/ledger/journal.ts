import type { Database } from 'better-sqlite3'
import { prepared, preparedRows } from '../db/prepared'
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
  return postAll(db, [txn])[0]!
}

/**
 * Posts several balanced transactions at once (a payment and its fee): one INSERT for the transactions and one for
 * all their entries. Rows of one INSERT take consecutive ids (the next after the largest, one writer), so the last
 * row's id gives every transaction's.
 */
export function postAll(db: Database, txns: readonly JournalTransaction[]): number[] {
  const balanced = txns.map(balancedEntries)
  const params: unknown[] = []
  txns.forEach((txn, i) => {
    let debits = 0
    for (const entry of balanced[i]!) if (entry.amountFen > 0) debits += entry.amountFen
    params.push(txn.kind, txn.at, debits, txn.orderId ?? null, txn.attemptId ?? null, txn.refundId ?? null)
    params.push(txn.shiftId ?? null, txn.movementId ?? null, txn.staffId ?? null, txn.tillId ?? null, txn.memo ?? null)
  })
  const last = Number(insertTransactions(db, txns.length).run(params).lastInsertRowid)
  const ids = txns.map((_, i) => last - txns.length + 1 + i)
  const entryParams: (string | number)[] = []
  balanced.forEach((entries, i) => {
    for (const entry of entries) entryParams.push(ids[i]!, entry.account, entry.amountFen)
  })
  insertEntries(db, entryParams.length / 3).run(entryParams)
  return ids
}

function insertTransactions(db: Database, count: number) {
  return preparedRows(
    db,
    `INSERT INTO journal_transactions (kind, at, amount_fen, order_id, attempt_id, refund_id, shift_id, movement_id,
       staff_id, till_id, memo)`,
    11,
    count,
  )
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

/** The entries of the transactions posted together go in one statement (each has a handful). */
function insertEntries(db: Database, count: number) {
  return preparedRows(db, 'INSERT INTO journal_entries (txn_id, account, amount_fen)', 3, count)
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
