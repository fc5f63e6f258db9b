import type { Database } from 'better-sqlite3'

/**
 * `count` paid orders on one business day (each with its succeeded cash attempt), written straight into the
 * books: enough rows to export, made in a second rather than through `count` checkouts.
 */
export function seedPaidOrders(db: Database, day: string, count: number, firstAt: number): void {
  const insertOrder = db.prepare(
    `INSERT INTO orders (id, status, total_fen, context, paid_wallet, paid_attempt_id, expires_at, created_at,
       updated_at, paid_at, business_day, day_number)
     VALUES (?, 'paid', ?, 'counter', 'cash', ?, ?, ?, ?, ?, ?, ?)`,
  )
  const insertAttempt = db.prepare(
    `INSERT INTO payment_attempts (id, order_id, wallet, method, provider, mode, status, amount_fen, expires_at,
       created_at, updated_at, succeeded_at)
     VALUES (?, ?, 'cash', 'cash', 'cash', 'simulator', 'succeeded', ?, ?, ?, ?, ?)`,
  )
  const start = (
    db.prepare('SELECT COALESCE(MAX(day_number), 0) AS n FROM orders WHERE business_day = ?').get(day) as {
      n: number
    }
  ).n
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const at = firstAt + i
      const key = `${at.toString(36).padStart(10, '0')}${i.toString(36).padStart(16, '0')}`.toUpperCase()
      const amount = 100 + (i % 5000)
      insertOrder.run(`ord_${key}`, amount, `pay_${key}`, at + 3600_000, at, at, at, day, start + i + 1)
      insertAttempt.run(`pay_${key}`, `ord_${key}`, amount, at + 300_000, at, at, at)
    }
  })()
}
