import { afterEach, describe, expect, it } from 'vitest'
import { testEngine } from '../support/engine'
import { reportQueries } from '../../src/engine/reports/facts'
import { ACCOUNT_WINDOW_SQL } from '../../src/engine/payments/queries'

/** Every query a report runs, over whole hours and over the journal for part of an hour. */
const REPORT_QUERIES: [string, string, unknown[]][] = reportQueries().map(([name, sql]) => [
  `report: ${name}`,
  sql,
  [{ start: 0, end: 3600_000 }],
])

let t: ReturnType<typeof testEngine>
afterEach(async () => t?.dispose())

/** The hot queries of checkout, the sweep and reports, as the engine runs them. */
const HOT_QUERIES: [string, string, unknown[]][] = [
  ['order by number', 'SELECT * FROM orders WHERE id = ?', ['ord_x']],
  ['lines of an order', 'SELECT * FROM order_lines WHERE order_id = ? ORDER BY position', ['ord_x']],
  ['attempts of an order', 'SELECT * FROM payment_attempts WHERE order_id = ? ORDER BY id', ['ord_x']],
  ['timeline of an order', 'SELECT * FROM events WHERE order_id = ? ORDER BY seq', ['ord_x']],
  [
    'unfinished attempts (sweep)',
    "SELECT * FROM payment_attempts WHERE status IN ('created', 'pending') ORDER BY expires_at LIMIT ?",
    [200],
  ],
  [
    'closed QR codes still watched',
    "SELECT * FROM payment_attempts WHERE status = 'closed' AND method = 'qr' AND expires_at > ? ORDER BY expires_at LIMIT 200",
    [0],
  ],
  [
    'overdue orders',
    "SELECT id FROM orders WHERE status IN ('open', 'awaiting_payment') AND expires_at <= ? ORDER BY expires_at LIMIT 500",
    [0],
  ],
  [
    'account health window',
    "SELECT COALESCE(SUM(status = 'succeeded'), 0) FROM payment_attempts WHERE wallet = ? AND account_id = ? AND updated_at >= ?",
    ['wechat', 'main', 0],
  ],
  [
    "a wallet's takings today (daily cap)",
    "SELECT COALESCE(SUM(amount_fen), 0) AS total FROM payment_attempts WHERE wallet = ? AND status = 'succeeded' AND succeeded_at >= ?",
    ['wechat', 0],
  ],
  [
    "a customer's last wallet",
    "SELECT pa.wallet FROM payment_attempts pa JOIN orders o ON o.id = pa.order_id WHERE o.customer_ref = ? AND pa.status = 'succeeded' ORDER BY pa.succeeded_at DESC LIMIT 1",
    ['member-1'],
  ],
  [
    "today's takings by wallet",
    "SELECT paid_wallet, COUNT(*), SUM(total_fen) FROM orders WHERE status = 'paid' AND paid_at >= ? GROUP BY paid_wallet",
    [0],
  ],
  ['pending refunds', "SELECT * FROM refunds WHERE status = 'pending' ORDER BY created_at LIMIT ?", [100]],
  [
    'overdue friend-pay requests',
    "SELECT * FROM friend_pay_requests WHERE status = 'open' AND expires_at <= ? ORDER BY expires_at LIMIT 500",
    [0],
  ],
  ['events since (SSE replay)', 'SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?', [0, 100]],
  ...REPORT_QUERIES,
]

describe('hot queries use an index, never a full table scan', () => {
  it.each(HOT_QUERIES)('%s', (_name, sql, params) => {
    t = testEngine()
    const plan = (t.engine.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map(
      (r) => r.detail,
    )
    const fullScans = plan.filter((d) => /^SCAN \w+( AS \w+)?$/.test(d.trim()))
    expect(fullScans, plan.join(' | ')).toEqual([])
  })
})

describe('routing reads account health from the index alone', () => {
  it('the last outcomes of an account need no table lookups (covering index)', () => {
    t = testEngine()
    const plan = (
      t.engine.db.prepare(`EXPLAIN QUERY PLAN ${ACCOUNT_WINDOW_SQL}`).all('wechat', 'main', 0) as { detail: string }[]
    ).map((r) => r.detail)
    expect(plan.join(' | ')).toMatch(/USING COVERING INDEX attempts_by_account/)
    expect(plan.join(' | ')).not.toMatch(/TEMP B-TREE/)
  })
})

describe('reports read their range from an index', () => {
  it.each(reportQueries())('%s: searches by time, scans no table', (_name, sql) => {
    t = testEngine()
    const plan = (t.engine.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ start: 0, end: 1 }) as { detail: string }[])
      .map((r) => r.detail)
      .join(' | ')
    expect(plan).toMatch(/SEARCH \w+ USING (PRIMARY KEY|(COVERING )?INDEX (journal_by_time|friend_pay_by_created))/)
    expect(plan).not.toMatch(/SCAN (journal_|report_|friend_pay|order_lines|orders|payment_attempts)/)
  })
})
