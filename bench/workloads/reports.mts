import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Database } from 'better-sqlite3'
import { createEngine, DATABASE_FILE } from '../../src/engine'
import { openDatabase } from '../../src/engine/db/open'
import { refoldBalances } from '../../src/engine/ledger/folds'
import { refoldReportSums } from '../../src/engine/reports/sumFolds'
import { nowMs, sample } from '../lib/measure.mjs'
import { result, type BenchResult } from '../lib/report.mjs'

const HOUR = 3600_000
const DAY = 24 * HOUR
const BEIJING = 8 * HOUR
const WALLETS = ['wechat', 'alipay', 'unionpay', 'cash'] as const
const TILLS = ['til_A', 'til_B', 'til_C']
const STAFF = ['stf_1', 'stf_2', 'stf_3', 'stf_4', 'stf_5']
const PRODUCTS = Array.from({ length: 40 }, (_, i) => ({ id: `prd_${i}`, name: `商品 ${i}`, price: 300 + 137 * i }))

function statements(db: Database) {
  const txn = db
    .prepare(
      `INSERT INTO journal_transactions (kind, at, amount_fen, order_id, attempt_id, staff_id, till_id)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    )
    .pluck()
  const entry = db.prepare('INSERT INTO journal_entries (txn_id, account, amount_fen) VALUES (?, ?, ?)')
  return {
    order: db.prepare(
      `INSERT INTO orders (id, status, total_fen, context, paid_wallet, paid_attempt_id, expires_at, created_at,
         updated_at, paid_at, staff_id, till_id) VALUES (?, 'paid', ?, 'counter', ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    line: db.prepare(
      `INSERT INTO order_lines (id, order_id, position, product_id, sku, name, unit_price_fen, quantity, amount_fen)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    attempt: db.prepare(
      `INSERT INTO payment_attempts (id, order_id, wallet, method, provider, mode, status, amount_fen, expires_at,
         created_at, updated_at, succeeded_at, merchant_fee_fen) VALUES (?, ?, ?, 'qr', 'simulator', 'simulator',
         'succeeded', ?, ?, ?, ?, ?, ?)`,
    ),
    /** One balanced journal transaction of two entries. */
    post(kind: string, at: number, links: unknown[], debit: string, credit: string, fen: number) {
      const id = txn.get(kind, at, fen, ...links) as number
      entry.run(id, debit, fen)
      entry.run(id, credit, -fen)
    },
  }
}

/** Opening hours 07:00–22:00 Beijing time: the i-th of `orders` spread over the days before `now`. */
function saleTime(i: number, orders: number, days: number, firstDay: number): number {
  const perDay = orders / days
  const day = Math.floor(i / perDay)
  const within = (i - day * perDay) / perDay
  return firstDay + day * DAY + 7 * HOUR + Math.floor(within * 15 * HOUR)
}

function seedOrders(db: Database, orders: number, now: number): void {
  const s = statements(db)
  const product = db.prepare(
    `INSERT INTO products (id, name, sku, price_fen, category, created_at, updated_at) VALUES (?, ?, ?, ?, '测试', 0, 0)`,
  )
  for (const p of PRODUCTS) product.run(p.id, p.name, `BENCH-${p.id}`, p.price)
  const days = 730
  const firstDay = Math.floor((now + BEIJING) / DAY) * DAY - BEIJING - days * DAY
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const at = saleTime(i, orders, days, firstDay)
      const id = `ord_${String(i).padStart(12, '0')}`
      const pay = `pay_${id.slice(4)}`
      const wallet = WALLETS[i % 4]!
      const till = TILLS[i % 3]!
      const staff = STAFF[i % 5]!
      const a = PRODUCTS[i % 40]!
      const b = PRODUCTS[(i * 7) % 40]!
      const total = a.price + 2 * b.price
      const fee = wallet === 'cash' ? 0 : Math.round(total * 0.006)
      s.order.run(id, total, wallet, pay, at + HOUR, at - 60_000, at, at, staff, till)
      s.line.run(`lin_${id.slice(4)}a`, id, 0, a.id, a.id, a.name, a.price, 1, a.price)
      s.line.run(`lin_${id.slice(4)}b`, id, 1, b.id, b.id, b.name, b.price, 2, 2 * b.price)
      s.attempt.run(pay, id, wallet, total, at + 300_000, at - 30_000, at, at, fee || null)
      const channel = wallet === 'cash' ? `drawer:${till}` : `clearing:${wallet}:-`
      const links = [id, pay, staff, till]
      s.post('payment', at, links, channel, 'unapplied', total)
      if (fee > 0) s.post('fee', at, links, `fees:${wallet}`, channel, fee)
      s.post('sale', at, links, 'unapplied', 'sales', total)
      if (i % 50 === 0) s.post('refund', at + 20 * 60_000, links, 'refunds', channel, b.price)
    }
  })
  for (let i = 0; i < orders; i += 50_000) batch(i, Math.min(orders, i + 50_000))
  // Every day closed at 22:xx Beijing time: the next day starts there, inside an hour the sums cannot split.
  const close = db.prepare(
    `INSERT INTO day_closes (day, starts_at, ends_at, closed_at, closed_by, report) VALUES (?, ?, ?, ?, NULL, '{}')`,
  )
  db.transaction(() => {
    let start = firstDay + 4 * HOUR
    for (let d = 0; d < days; d++) {
      const end = firstDay + d * DAY + 22 * HOUR + ((d * 7) % 60) * 60_000
      close.run(new Date(firstDay + d * DAY + BEIJING).toISOString().slice(0, 10), start, end, end)
      start = end
    }
  })()
}

/** Seeds the journal directly, then sums it once, as a journal written by other means is summed. */
export function seed(dir: string, orders: number, now: number): number {
  const started = nowMs()
  createEngine({ dataDir: dir, sweepIntervalMs: 0 }).close()
  const db = openDatabase(join(dir, DATABASE_FILE))
  seedOrders(db, orders, now)
  refoldBalances(db)
  refoldReportSums(db)
  db.close()
  return (nowMs() - started) / 1000
}

function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

const day = (at: number) => new Date(at + BEIJING).toISOString().slice(0, 10)

/** reports.get over a day, a week, a month and a year of a store with `orders` paid orders over two years. */
export async function reports(orders: number): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hutong-bench-reports-'))
  try {
    const now = Date.now()
    const seedSeconds = seed(dir, orders, now)
    const engine = createEngine({ dataDir: dir, sweepIntervalMs: 0 })
    const yesterday = day(now - DAY)
    const ranges = [
      ['a day', 1, 100],
      ['a week', 7, 100],
      ['a month', 30, 100],
      ['a year', 365, null],
    ] as const
    const out: BenchResult[] = []
    const note = `${orders.toLocaleString('en-US')} orders over two years (seeded in ${seedSeconds.toFixed(1)} s), compared with the period before`
    for (const [name, days, goal] of ranges) {
      const input = { from: day(now - days * DAY), to: yesterday, granularity: days > 60 ? 'month' : 'day' } as const
      const answer = await engine.invoke('reports.get', input)
      const samples = await sample(days > 60 ? 20 : 60, () => engine.invoke('reports.get', input), 5)
      const extra = { note: `${note}; ${answer.totals.orders.toLocaleString('en-US')} orders in range` }
      out.push(
        result(`reports: ${name} p50`, quantile(samples, 0.5), 'ms', goal ? { op: '<', value: goal } : null, extra),
      )
      out.push(result(`reports: ${name} p95`, quantile(samples, 0.95), 'ms', null, extra))
    }
    await engine.close()
    return out
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
