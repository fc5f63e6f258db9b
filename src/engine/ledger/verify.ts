import type { Database } from 'better-sqlite3'
import { foldBalances, foldWhileWriting } from './folds'

export interface BooksProblem {
  check: string
  /** The ids (transactions, accounts, orders, payments, refunds) where it fails, at most ten. */
  ids: string[]
  count: number
}

export interface BooksVerification {
  ok: boolean
  checked: {
    transactions: number
    entries: number
    accounts: number
    orders: number
    payments: number
    refunds: number
  }
  problems: BooksProblem[]
}

interface MovementCheck {
  check: string
  /** The journal's transactions of this kind whose movement is missing or differs (read from the journal side). */
  wrong: string
  /** Movements minus their transactions: with `wrong` empty and each movement posted once (unique indexes), zero. */
  difference: string
  /** Run only when the counts differ: the movements that have no transaction. */
  missing: string
}

/**
 * Money movements post exactly once (the journal's unique indexes). Reading each kind of transaction once, checking
 * its movement, and comparing the counts proves the two match one to one; the slower search for what is missing
 * runs only when they do not.
 */
const MOVEMENTS: readonly MovementCheck[] = [
  {
    check: 'order_sale_missing_or_wrong',
    wrong: `SELECT t.order_id AS id FROM journal_transactions t INDEXED BY journal_sale_of_order
            LEFT JOIN orders o ON o.id = t.order_id
            WHERE t.kind = 'sale' AND (o.status IS NOT 'paid' OR o.total_fen != t.amount_fen)`,
    difference: `SELECT (SELECT COUNT(*) FROM orders WHERE status = 'paid')
                   - (SELECT COUNT(*) FROM journal_transactions WHERE kind = 'sale')`,
    missing: `SELECT o.id FROM orders o WHERE o.status = 'paid'
                AND NOT EXISTS (SELECT 1 FROM journal_transactions t WHERE t.order_id = o.id AND t.kind = 'sale')`,
  },
  {
    check: 'payment_entries_missing_or_wrong',
    wrong: `SELECT t.attempt_id AS id FROM journal_transactions t INDEXED BY journal_payment_received
            LEFT JOIN payment_attempts a ON a.id = t.attempt_id
            WHERE t.kind = 'payment' AND t.refund_id IS NULL
              AND (a.status IS NOT 'succeeded' OR a.amount_fen != t.amount_fen)`,
    difference: `SELECT (SELECT COUNT(*) FROM payment_attempts WHERE status = 'succeeded')
                   - (SELECT COUNT(*) FROM journal_transactions WHERE kind = 'payment' AND refund_id IS NULL)`,
    missing: `SELECT a.id FROM payment_attempts a WHERE a.status = 'succeeded' AND NOT EXISTS (SELECT 1
                FROM journal_transactions t WHERE t.attempt_id = a.id AND t.kind = 'payment' AND t.refund_id IS NULL)`,
  },
  {
    check: 'fee_entries_missing_or_wrong',
    wrong: `SELECT t.attempt_id AS id FROM journal_transactions t INDEXED BY journal_fee_of_payment
            LEFT JOIN payment_attempts a ON a.id = t.attempt_id
            WHERE t.kind = 'fee' AND (a.status IS NOT 'succeeded' OR a.merchant_fee_fen IS NOT t.amount_fen)`,
    difference: `SELECT (SELECT COUNT(*) FROM payment_attempts WHERE status = 'succeeded' AND merchant_fee_fen > 0)
                   - (SELECT COUNT(*) FROM journal_transactions WHERE kind = 'fee')`,
    missing: `SELECT a.id FROM payment_attempts a WHERE a.status = 'succeeded' AND a.merchant_fee_fen > 0
                AND NOT EXISTS (SELECT 1 FROM journal_transactions t WHERE t.attempt_id = a.id AND t.kind = 'fee')`,
  },
  {
    check: 'refund_entries_missing_or_wrong',
    wrong: `SELECT t.refund_id AS id FROM journal_transactions t INDEXED BY journal_refund_given
            LEFT JOIN refunds r ON r.id = t.refund_id
            WHERE t.kind IN ('refund', 'automatic_refund') AND (r.status IS NOT 'succeeded' OR r.amount_fen != t.amount_fen
              OR t.kind != CASE r.kind WHEN 'merchant' THEN 'refund' ELSE 'automatic_refund' END)`,
    difference: `SELECT (SELECT COUNT(*) FROM refunds WHERE status = 'succeeded')
                   - (SELECT COUNT(*) FROM journal_transactions WHERE kind IN ('refund', 'automatic_refund'))`,
    missing: `SELECT r.id FROM refunds r WHERE r.status = 'succeeded' AND NOT EXISTS (SELECT 1 FROM journal_transactions t
                WHERE t.refund_id = r.id AND t.kind IN ('refund', 'automatic_refund'))`,
  },
  {
    check: 'returned_money_not_taken_in',
    wrong: `SELECT t.refund_id AS id FROM journal_transactions t INDEXED BY journal_money_to_return
            LEFT JOIN refunds r ON r.id = t.refund_id LEFT JOIN payment_attempts a ON a.id = r.attempt_id
            WHERE t.kind = 'payment' AND t.refund_id IS NOT NULL AND (r.kind IS NOT 'automatic' OR r.retry_of IS NOT NULL
              OR a.status = 'succeeded' OR r.amount_fen != t.amount_fen)`,
    difference: `SELECT (SELECT COUNT(*) FROM refunds r JOIN payment_attempts a ON a.id = r.attempt_id
                     WHERE r.kind = 'automatic' AND r.retry_of IS NULL AND a.status != 'succeeded')
                   - (SELECT COUNT(*) FROM journal_transactions WHERE kind = 'payment' AND refund_id IS NOT NULL)`,
    missing: `SELECT r.id FROM refunds r JOIN payment_attempts a ON a.id = r.attempt_id
              WHERE r.kind = 'automatic' AND r.retry_of IS NULL AND a.status != 'succeeded' AND NOT EXISTS (SELECT 1
                FROM journal_transactions t WHERE t.refund_id = r.id AND t.kind = 'payment')`,
  },
  {
    check: 'order_refunds_differ_from_entries',
    wrong: `SELECT o.id FROM orders o WHERE o.refunded_fen != COALESCE((SELECT SUM(t.amount_fen)
              FROM journal_transactions t WHERE t.order_id = o.id AND t.kind = 'refund'), 0)`,
    difference: 'SELECT 0',
    missing: 'SELECT NULL AS id WHERE 0',
  },
]

/**
 * One pass over the entries, in transaction order: each transaction has two or more entries summing to zero, and the
 * debits together equal the transactions' amounts.
 */
function unbalanced(db: Database): { ids: string[]; entries: number } {
  const row = db
    .prepare(
      `SELECT COUNT(*) AS groups, COALESCE(SUM(n), 0) AS entries, COALESCE(SUM(debits), 0) AS debits,
         json_group_array(txn_id) FILTER (WHERE n < 2 OR total != 0) AS bad
       FROM (SELECT txn_id, COUNT(*) AS n, SUM(amount_fen) AS total, SUM(MAX(amount_fen, 0)) AS debits
             FROM journal_entries NOT INDEXED GROUP BY txn_id)`,
    )
    .get() as { groups: number; entries: number; debits: number; bad: string }
  const ids = (JSON.parse(row.bad) as number[]).map(String)
  const amounts = db
    .prepare('SELECT COUNT(*) AS n, COALESCE(SUM(amount_fen), 0) AS total FROM journal_transactions')
    .get() as { n: number; total: number }
  if (amounts.total !== row.debits) ids.push('transaction amounts differ from their debits')
  if (amounts.n !== row.groups) ids.push('transactions without entries')
  return { ids, entries: row.entries }
}

/** Each account's running balance against the sum of its entries (read from the account index alone). */
function balancesDiffer(db: Database): string[] {
  const stored = new Map(
    (
      db.prepare('SELECT account, balance_fen FROM ledger_balances').all() as { account: string; balance_fen: number }[]
    ).map((row) => [row.account, row.balance_fen]),
  )
  const summed = db
    .prepare(
      'SELECT account, SUM(amount_fen) AS total FROM journal_entries INDEXED BY journal_entries_by_account GROUP BY account',
    )
    .all() as { account: string; total: number }[]
  const differing = summed.filter((row) => stored.get(row.account) !== row.total).map((row) => row.account)
  const summedAccounts = new Set(summed.map((row) => row.account))
  const withoutEntries = [...stored].filter(([account, balance]) => !summedAccounts.has(account) && balance !== 0)
  return [...differing, ...withoutEntries.map(([account]) => account)]
}

function movementProblem(db: Database, movement: MovementCheck): string[] {
  const wrong = (db.prepare(movement.wrong).all() as { id: string }[]).map((row) => row.id)
  if ((db.prepare(movement.difference).pluck().get() as number) === 0) return wrong
  const missing = (db.prepare(movement.missing).all() as { id: string }[]).map((row) => row.id)
  return [...wrong, ...(missing.length > 0 ? missing : ['more transactions than movements'])]
}

/** Checks the whole journal against itself and against the orders, payments, fees and refunds it records. */
export function verifyBooks(db: Database): BooksVerification {
  foldWhileWriting(db, foldBalances)
  const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n
  const entries = unbalanced(db)
  const checked = {
    transactions: count('SELECT COUNT(*) AS n FROM journal_transactions'),
    entries: entries.entries,
    accounts: count('SELECT COUNT(*) AS n FROM ledger_balances'),
    orders: count('SELECT COUNT(*) AS n FROM orders'),
    payments: count('SELECT COUNT(*) AS n FROM payment_attempts'),
    refunds: count('SELECT COUNT(*) AS n FROM refunds'),
  }
  const problems: BooksProblem[] = []
  const report = (check: string, ids: string[]) => {
    if (ids.length > 0) problems.push({ check, ids: ids.slice(0, 10), count: ids.length })
  }
  report('transaction_unbalanced', entries.ids)
  report('balance_differs_from_entries', balancesDiffer(db))
  for (const movement of MOVEMENTS) report(movement.check, movementProblem(db, movement))
  return { ok: problems.length === 0, checked, problems }
}
