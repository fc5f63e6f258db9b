import type { Database } from 'better-sqlite3'

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

/** Each check is a query naming what fails it. */
const CHECKS: readonly { check: string; sql: string }[] = [
  {
    check: 'transaction_unbalanced',
    sql: `SELECT CAST(t.id AS TEXT) AS id FROM journal_transactions t LEFT JOIN journal_entries e ON e.txn_id = t.id
          GROUP BY t.id HAVING COUNT(e.txn_id) < 2 OR SUM(e.amount_fen) != 0`,
  },
  {
    check: 'balance_differs_from_entries',
    sql: `SELECT COALESCE(b.account, s.account) AS id FROM ledger_balances b
            FULL OUTER JOIN (SELECT account, SUM(amount_fen) AS total FROM journal_entries GROUP BY account) s
            ON s.account = b.account
          WHERE b.balance_fen IS NOT s.total`,
  },
  {
    check: 'order_sale_missing_or_wrong',
    sql: `SELECT o.id FROM orders o LEFT JOIN (
            SELECT t.order_id, COUNT(*) AS n, -SUM(e.amount_fen) AS fen FROM journal_transactions t
              JOIN journal_entries e ON e.txn_id = t.id AND e.account = 'sales'
            WHERE t.kind = 'sale' GROUP BY t.order_id) s ON s.order_id = o.id
          WHERE (o.status = 'paid' AND (s.n IS NOT 1 OR s.fen != o.total_fen)) OR (o.status != 'paid' AND s.n IS NOT NULL)`,
  },
  {
    check: 'order_refunds_differ_from_entries',
    sql: `SELECT o.id FROM orders o LEFT JOIN (
            SELECT t.order_id, SUM(e.amount_fen) AS fen FROM journal_transactions t
              JOIN journal_entries e ON e.txn_id = t.id AND e.account = 'refunds'
            WHERE t.kind = 'refund' GROUP BY t.order_id) r ON r.order_id = o.id
          WHERE o.refunded_fen != COALESCE(r.fen, 0)`,
  },
  {
    check: 'payment_entries_missing_or_wrong',
    sql: `SELECT a.id FROM payment_attempts a LEFT JOIN (
            SELECT t.attempt_id, COUNT(DISTINCT t.id) AS n, SUM(CASE WHEN e.account = 'unapplied' THEN -e.amount_fen END) AS fen
            FROM journal_transactions t JOIN journal_entries e ON e.txn_id = t.id
            WHERE t.kind = 'payment' AND t.refund_id IS NULL GROUP BY t.attempt_id) p ON p.attempt_id = a.id
          WHERE (a.status = 'succeeded' AND (p.n IS NOT 1 OR p.fen != a.amount_fen))
             OR (a.status != 'succeeded' AND p.n IS NOT NULL)`,
  },
  {
    check: 'fee_entries_missing_or_wrong',
    sql: `SELECT a.id FROM payment_attempts a LEFT JOIN (
            SELECT t.attempt_id, COUNT(DISTINCT t.id) AS n, SUM(CASE WHEN e.account LIKE 'fees:%' THEN e.amount_fen END) AS fen
            FROM journal_transactions t JOIN journal_entries e ON e.txn_id = t.id
            WHERE t.kind = 'fee' GROUP BY t.attempt_id) f ON f.attempt_id = a.id
          WHERE (a.status = 'succeeded' AND COALESCE(a.merchant_fee_fen, 0) > 0 AND (f.n IS NOT 1 OR f.fen != a.merchant_fee_fen))
             OR ((a.status != 'succeeded' OR COALESCE(a.merchant_fee_fen, 0) = 0) AND f.n IS NOT NULL)`,
  },
  {
    check: 'refund_entries_missing_or_wrong',
    sql: `SELECT r.id FROM refunds r LEFT JOIN (
            SELECT t.refund_id, COUNT(DISTINCT t.id) AS n,
              SUM(CASE WHEN e.account IN ('refunds', 'unapplied') THEN e.amount_fen END) AS fen
            FROM journal_transactions t JOIN journal_entries e ON e.txn_id = t.id
            WHERE t.kind IN ('refund', 'automatic_refund') GROUP BY t.refund_id) x ON x.refund_id = r.id
          WHERE (r.status = 'succeeded' AND (x.n IS NOT 1 OR x.fen != r.amount_fen))
             OR (r.status != 'succeeded' AND x.n IS NOT NULL)`,
  },
  {
    check: 'returned_money_not_taken_in',
    sql: `SELECT r.id FROM refunds r JOIN payment_attempts a ON a.id = r.attempt_id
          LEFT JOIN (SELECT refund_id, COUNT(*) AS n FROM journal_transactions WHERE kind = 'payment' AND refund_id IS NOT NULL
            GROUP BY refund_id) p ON p.refund_id = r.id
          WHERE r.kind = 'automatic' AND r.retry_of IS NULL AND a.status != 'succeeded' AND p.n IS NOT 1`,
  },
]

/** Checks the whole journal against itself and against the orders, payments and refunds it records. */
export function verifyBooks(db: Database): BooksVerification {
  const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n
  const checked = {
    transactions: count('SELECT COUNT(*) AS n FROM journal_transactions'),
    entries: count('SELECT COUNT(*) AS n FROM journal_entries'),
    accounts: count('SELECT COUNT(*) AS n FROM ledger_balances'),
    orders: count('SELECT COUNT(*) AS n FROM orders'),
    payments: count('SELECT COUNT(*) AS n FROM payment_attempts'),
    refunds: count('SELECT COUNT(*) AS n FROM refunds'),
  }
  const problems: BooksProblem[] = []
  for (const { check, sql } of CHECKS) {
    const ids = (db.prepare(sql).all() as { id: string }[]).map((row) => row.id)
    if (ids.length > 0) problems.push({ check, ids: ids.slice(0, 10), count: ids.length })
  }
  return { ok: problems.length === 0, checked, problems }
}
