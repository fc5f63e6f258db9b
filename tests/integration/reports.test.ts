import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { MIGRATIONS } from '../../src/engine/db/migrations'
import { openDatabase } from '../../src/engine/db/open'
import { post } from '../../src/engine/ledger/journal'
import { foldReportSums } from '../../src/engine/reports/sumFolds'
import { tempDir } from '../support/engine'
import type { FriendPayRequest, Order } from '../../src/shared/api/types'
import type { OperationOutput } from '../../src/shared/api/operations'
import { demoPin } from '../support/staff'
import { customerPays } from '../support/simulator'
import { testServer } from '../support/server'

type Report = OperationOutput<'reports.get'>
type DayReport = OperationOutput<'days.get'>

let s: Awaited<ReturnType<typeof testServer>>
afterEach(async () => s?.dispose())

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const SUMMED = ['orders', 'salesFen', 'refunds', 'refundsFen', 'feesFen', 'netFen', 'cashOverShortFen'] as const

async function qrSale(body: Record<string, unknown>, wallet: 'wechat' | 'alipay' = 'wechat', caller?: object) {
  const order = (await s.engine.invoke('orders.create', body as never, caller as never)) as Order
  const payment = await s.engine.invoke('payments.create', { id: order.id, wallet, qrSvg: false }, caller as never)
  await customerPays(s.engine, payment.qrContent)
  return order
}

async function cashSale(body: Record<string, unknown>) {
  const order = (await s.engine.invoke('orders.create', body as never)) as Order
  await s.engine.invoke('payments.create', { id: order.id, wallet: 'cash', tenderedFen: order.totalFen })
  return order
}

/** A friend opens the link in WeChat, picks WeChat Pay and confirms on the wallet's page. */
async function friendPays(orderId: string): Promise<void> {
  const request = (await s.api('POST', `/api/orders/${orderId}/friend-pay`, { requesterName: '王小明' }))
    .json as FriendPayRequest
  const form = (body: Record<string, string>) => ({
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'MicroMessenger/8.0.49' },
    body: new URLSearchParams(body).toString(),
    redirect: 'manual' as const,
  })
  const chosen = await fetch(new URL(`${new URL(request.url).pathname}/pay`, s.base), form({ wallet: 'wechat' }))
  await fetch(new URL(`${chosen.headers.get('location')}/confirm`, s.base), form({}))
  await s.engine.idle()
}

const refund = (id: string, amountFen: number) =>
  s.engine.invoke('refunds.create', { id, amountFen, reason: 'customer_return' })

const report = async (query: string): Promise<Report> => {
  const answer = await s.api('GET', `/api/reports?${query}`)
  expect(answer.status, answer.text).toBe(200)
  return answer.json as Report
}

const dayReports = async (days: string[]): Promise<DayReport[]> =>
  Promise.all(days.map((day) => s.engine.invoke('days.get', { day })))

function sumOf(days: DayReport[], key: (typeof SUMMED)[number]): number {
  return days.reduce((total, day) => total + day.totals[key], 0)
}

/**
 * Three business days (the day starts at 04:00 Beijing time; the clock starts 2026-11-21 10:00): QR, cash and
 * friend-paid sales with product lines, merchant refunds, one day closed at 22:22 so the late sales and a refund
 * of its sale land in the next, and a cashier at a till on the third.
 */
async function threeDays() {
  s = await testServer()
  const first = await qrSale({
    lines: [
      { sku: 'BRK-004', quantity: 2 },
      { sku: 'BRK-001', quantity: 3 },
    ],
  })
  const second = await qrSale({ amountFen: 4560 }, 'alipay')
  await cashSale({ lines: [{ sku: 'BRK-002', quantity: 4 }] })
  const forFriend = (await s.engine.invoke('orders.create', { lines: [{ sku: 'BRK-004', quantity: 1 }] })) as Order
  await friendPays(forFriend.id)
  const unpaid = (await s.engine.invoke('orders.create', { amountFen: 990 })) as Order
  await s.api('POST', `/api/orders/${unpaid.id}/friend-pay`, { requesterName: '李雷' })
  await refund(first.id, 500)
  s.clock.advance(12 * HOUR + 22 * MINUTE)
  await s.engine.invoke('days.close', { day: '2026-11-21' })

  s.clock.advance(HOUR)
  await qrSale({ amountFen: 1288 })
  await refund(second.id, 560)
  s.clock.advance(12 * HOUR)
  await cashSale({ amountFen: 3000 })

  s.clock.advance(24 * HOUR)
  const till = await s.engine.invoke('tills.register', { name: '收银台 2', kind: 'browser' })
  const { staff } = await s.engine.invoke('auth.signInOptions', {})
  const cashier = staff.find((m) => m.role === 'cashier')!
  const { token } = await s.engine.invoke('auth.signIn', {
    staffId: cashier.id,
    pin: demoPin('cashier'),
    tillId: till.id,
  })
  const caller = { session: token, integration: false }
  await qrSale({ lines: [{ sku: 'BRK-003', quantity: 5 }] }, 'alipay', caller)
  await qrSale({ amountFen: 7777 }, 'wechat', caller)
  s.clock.advance(37 * MINUTE)
  await s.engine.invoke('days.close', { day: '2026-11-23' })
  s.clock.advance(3 * HOUR)
  return { till, cashier }
}

describe('reports agree with day close', () => {
  it('over several business days the totals are the day reports added up, fen for fen', async () => {
    await threeDays()
    const days = await dayReports(['2026-11-21', '2026-11-22', '2026-11-23'])
    expect(days.map((d) => d.status)).toEqual(['closed', 'open', 'closed'])
    const r = await report('from=2026-11-21&to=2026-11-23&granularity=day')
    for (const key of SUMMED) expect(r.totals[key], key).toBe(sumOf(days, key))
    expect(r.totals.orders).toBe(8)
    expect(r.totals.refunds).toBe(2)
    expect(r.totals.refundsFen).toBe(1060)
    expect(r.totals.feesFen).toBeGreaterThan(0)
    expect(r.totals.averageTicketFen).toBe(Math.round(r.totals.salesFen / r.totals.orders))
    expect(r.startsAt).toBe(days[0]!.startsAt)
    // Each day of the series is that day's report: the late sale and refund after 22:22 are the 22nd's.
    expect(r.series.map((p) => [p.key, p.orders, p.salesFen, p.refundsFen, p.feesFen, p.netFen])).toEqual(
      days.map((d) => [
        d.day,
        d.totals.orders,
        d.totals.salesFen,
        d.totals.refundsFen,
        d.totals.feesFen,
        d.totals.netFen,
      ]),
    )
    // Per payment method, as the days' wallets summed.
    const wallets = new Map<string, number[]>()
    for (const w of days.flatMap((d) => d.wallets)) {
      const sum = wallets.get(w.wallet) ?? [0, 0, 0, 0, 0]
      wallets.set(
        w.wallet,
        [w.payments, w.receivedFen, w.refundedFen, w.feesFen, w.netFen].map((v, i) => v + sum[i]!),
      )
    }
    expect(
      new Map(r.methods.map((m) => [m.wallet, [m.payments, m.receivedFen, m.refundedFen, m.feesFen, m.netFen]])),
    ).toEqual(wallets)
    expect(r.methods.reduce((sum, m) => sum + (m.shareBp ?? 0), 0)).toBeGreaterThanOrEqual(9999)
    expect(r.fees.totalFen).toBe(r.totals.feesFen)
    expect(r.fees.wallets.reduce((sum, w) => sum + w.feesFen, 0)).toBe(r.totals.feesFen)
    expect(r.refunds).toMatchObject({
      count: 2,
      amountFen: 1060,
      rateBp: Math.round((1060 * 10_000) / r.totals.salesFen),
    })
  })

  it('cashiers, friend pay and top products match the days and the order lines', async () => {
    const { till, cashier } = await threeDays()
    const days = await dayReports(['2026-11-21', '2026-11-22', '2026-11-23'])
    const r = await report('from=2026-11-21&to=2026-11-23')
    const friendSales = days.reduce((sum, d) => sum + d.friendPay.salesFen, 0)
    expect(r.friendPay).toMatchObject({
      requests: 2,
      paid: 1,
      conversionBp: 5000,
      orders: 1,
      salesFen: 800,
      shareBp: Math.round((friendSales * 10_000) / r.totals.salesFen),
    })
    expect(friendSales).toBe(800)
    const daysCashier = days.flatMap((d) => d.cashiers).filter((c) => c.staffId === cashier.id)
    expect(r.cashiers.find((c) => c.id === cashier.id)).toMatchObject({
      name: cashier.name,
      orders: daysCashier.reduce((n, c) => n + c.orders, 0),
      salesFen: 5 * 200 + 7777,
    })
    expect(r.tills.find((t) => t.id === till.id)).toMatchObject({ name: '收银台 2', orders: 2, salesFen: 1000 + 7777 })
    expect(r.cashiers.reduce((sum, c) => sum + c.salesFen, 0)).toBe(r.totals.salesFen)
    expect(r.tills.reduce((sum, c) => sum + c.feesFen, 0)).toBe(r.totals.feesFen)
    expect(r.products.slice(0, 3).map((p) => [p.name, p.quantity, p.salesFen, p.orders])).toEqual([
      ['煎饼果子', 3, 2400, 2],
      ['油条', 5, 1000, 1],
      ['肉包', 4, 1000, 1],
    ])
    expect(r.products.find((p) => p.name === '茶叶蛋')).toMatchObject({ quantity: 3, salesFen: 450 })
  })

  it('groups by hour of the day, ISO week and month, each adding up to the totals', async () => {
    await threeDays()
    const byHour = await report('from=2026-11-21&to=2026-11-23&granularity=hour')
    expect(byHour.series.map((p) => p.key).slice(0, 3)).toEqual(['04:00', '05:00', '06:00'])
    expect(byHour.series).toHaveLength(24)
    // Sales at 10:00 on the 21st, 23:22 the same evening, 11:22 the next morning and 11:22 two days later.
    expect(byHour.series.filter((p) => p.orders > 0).map((p) => [p.key, p.orders])).toEqual([
      ['10:00', 4],
      ['11:00', 3],
      ['23:00', 1],
    ])
    const byWeek = await report('from=2026-11-21&to=2026-11-23&granularity=week')
    expect(byWeek.series.map((p) => p.key)).toEqual(['2026-W47', '2026-W48'])
    expect(byWeek.series[1]!.orders).toBe(2)
    const byMonth = await report('from=2026-11-21&to=2026-11-23&granularity=month')
    expect(byMonth.series.map((p) => [p.key, p.salesFen])).toEqual([['2026-11', byMonth.totals.salesFen]])
    for (const r of [byHour, byWeek, byMonth]) {
      expect(r.series.reduce((sum, p) => sum + p.netFen, 0)).toBe(r.totals.netFen)
    }
  })

  it('compares with the previous period of the same length, or not when asked', async () => {
    await threeDays()
    const r = await report('from=2026-11-22&to=2026-11-23')
    const before = await dayReports(['2026-11-20', '2026-11-21'])
    expect(r.previous).toMatchObject({ from: '2026-11-20', to: '2026-11-21' })
    for (const key of SUMMED) expect(r.previous!.totals[key], key).toBe(sumOf(before, key))
    const prevSales = r.previous!.totals.salesFen
    expect(r.change!.salesFen).toBe(Math.round(((r.totals.salesFen - prevSales) * 10_000) / prevSales))
    expect(r.change!.orders).toBe(Math.round(((4 - 4) * 10_000) / 4))
    const earlier = await report('from=2026-11-19&to=2026-11-20')
    expect(earlier.totals.orders).toBe(0)
    expect(earlier.change!.salesFen).toBeNull()
    const plain = await report('from=2026-11-22&to=2026-11-23&compare=false')
    expect([plain.previous, plain.change]).toEqual([null, null])
    expect(plain.totals).toEqual(r.totals)
  })

  it('the hourly sums folded in at each commit are the journal summed afresh', async () => {
    await threeDays()
    const db = s.engine.db
    const kept = db.prepare('SELECT hour_at, kind, account, n, fen FROM report_hours ORDER BY 1, 2, 3').all()
    const fresh = db
      .prepare(
        `SELECT hour_at, kind, account, SUM(n) AS n, SUM(fen) AS fen FROM (
           SELECT at / 3600000 * 3600000 AS hour_at, kind, '' AS account, 1 AS n, amount_fen AS fen FROM journal_transactions
           UNION ALL SELECT t.at / 3600000 * 3600000, t.kind, e.account, 1, e.amount_fen
             FROM journal_entries e JOIN journal_transactions t ON t.id = e.txn_id)
         GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      )
      .all()
    expect(kept).toEqual(fresh)
    const products = db.prepare('SELECT SUM(quantity) AS q, SUM(fen) AS fen FROM report_product_hours').get()
    const lines = db
      .prepare(
        `SELECT SUM(l.quantity) AS q, SUM(l.amount_fen) AS fen FROM order_lines l
         JOIN journal_transactions t ON t.order_id = l.order_id AND t.kind = 'sale'`,
      )
      .get()
    expect(products).toEqual(lines)
  })
})

describe('reports.get input and access', () => {
  it('refuses ranges backwards, longer than 366 days or of dates that do not exist', async () => {
    s = await testServer()
    for (const query of [
      'from=2026-11-23&to=2026-11-21',
      'from=2025-11-21&to=2026-11-22',
      'from=2026-02-30&to=2026-03-02',
      'from=2026-11-21',
      'from=21-11-2026&to=2026-11-22',
      'from=2026-11-21&to=2026-11-22&granularity=year',
    ]) {
      const answer = await s.api('GET', `/api/reports?${query}`)
      expect([answer.status, answer.json.error.code], query).toEqual([400, 'VALIDATION_FAILED'])
    }
    expect((await s.api('GET', '/api/reports?from=2025-11-22&to=2026-11-22')).status).toBe(200)
  })

  it('needs the reports permission: a cashier and the integrator token alone are refused', async () => {
    s = await testServer()
    const cashier = await s.signIn('cashier')
    const query = '/api/reports?from=2026-11-21&to=2026-11-21'
    const refused = await s.asIntegration('GET', query, undefined, { 'X-Hutong-Session': cashier })
    expect([refused.status, refused.json.error.code]).toEqual([403, 'FORBIDDEN'])
    expect((await s.asIntegration('GET', query)).status).toBe(403)
    expect((await s.api('GET', query)).status).toBe(200)
  })
})

describe('migration 17 (the journal summed per hour)', () => {
  it('sums a journal written before it, per hour, till, cashier and product, and keeps summing after', () => {
    const dir = tempDir()
    try {
      const file = join(dir.path, 'test.sqlite')
      const before = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version <= 16) })
      const at = Date.parse('2026-11-21T02:10:00Z')
      before
        .prepare(
          `INSERT INTO orders (id, status, total_fen, context, expires_at, created_at, updated_at)
           VALUES ('ord_a', 'paid', 1900, 'counter', 0, ?, ?)`,
        )
        .run(at, at)
      const line = before.prepare(
        `INSERT INTO order_lines (id, order_id, position, name, unit_price_fen, quantity, amount_fen)
         VALUES (?, 'ord_a', ?, ?, ?, ?, ?)`,
      )
      line.run('lin_1', 0, '豆浆', 300, 3, 900)
      line.run('lin_2', 1, '煎饼', 1000, 1, 1000)
      const links = { orderId: 'ord_a', staffId: 'stf_1', tillId: 'til_1' }
      post(before, {
        kind: 'payment',
        at,
        ...links,
        entries: [
          { account: 'clearing:wechat:-', amountFen: 1900 },
          { account: 'unapplied', amountFen: -1900 },
        ],
      })
      post(before, {
        kind: 'fee',
        at,
        ...links,
        entries: [
          { account: 'fees:wechat', amountFen: 11 },
          { account: 'clearing:wechat:-', amountFen: -11 },
        ],
      })
      post(before, {
        kind: 'sale',
        at,
        ...links,
        entries: [
          { account: 'unapplied', amountFen: 1900 },
          { account: 'sales', amountFen: -1900 },
        ],
      })
      before.close()

      const after = openDatabase(file)
      const hour = Date.parse('2026-11-21T02:00:00Z')
      expect(after.prepare("SELECT kind, n, fen FROM report_hours WHERE account = '' ORDER BY kind").all()).toEqual([
        { kind: 'fee', n: 1, fen: 11 },
        { kind: 'payment', n: 1, fen: 1900 },
        { kind: 'sale', n: 1, fen: 1900 },
      ])
      expect(after.prepare('SELECT * FROM report_people_hours ORDER BY kind').all()).toEqual([
        { hour_at: hour, kind: 'fee', account: 'fees', till_id: 'til_1', staff_id: 'stf_1', friend: 0, n: 1, fen: 11 },
        {
          hour_at: hour,
          kind: 'sale',
          account: 'sales',
          till_id: 'til_1',
          staff_id: 'stf_1',
          friend: 0,
          n: 1,
          fen: -1900,
        },
      ])
      expect(after.prepare('SELECT name, quantity, fen, orders FROM report_product_hours ORDER BY name').all()).toEqual(
        [
          { name: '煎饼', quantity: 1, fen: 1000, orders: 1 },
          { name: '豆浆', quantity: 3, fen: 900, orders: 1 },
        ],
      )
      // A refund posted now is added to its hour when the journal is next folded (the engine does so at each commit).
      post(after, {
        kind: 'refund',
        at: at + 60_000,
        ...links,
        entries: [
          { account: 'refunds', amountFen: 300 },
          { account: 'clearing:wechat:-', amountFen: -300 },
        ],
      })
      foldReportSums(after)
      expect(
        after.prepare("SELECT n, fen FROM report_hours WHERE kind = 'refund' AND account = 'refunds'").get(),
      ).toEqual({ n: 1, fen: 300 })
      after.close()
    } finally {
      dir.remove()
    }
  })
})
