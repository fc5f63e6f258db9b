import { afterEach, describe, expect, it } from 'vitest'
import type { Order } from '../../src/shared/api/types'
import { DEMO_STAFF } from '../../src/engine/seed/demoStaff'
import { balances } from '../../src/engine/ledger/journal'
import { customerPays } from '../support/simulator'
import { testEngine } from '../support/engine'
import { TEST_TOKEN, testServer } from '../support/server'

let t: ReturnType<typeof testEngine>
afterEach(async () => t?.dispose())

const HOUR = 3600_000

async function signedIn(role: 'owner' | 'cashier', tillId?: string) {
  const { staff } = await t.engine.invoke('auth.signInOptions', {})
  const member = staff.find((m) => m.role === role)!
  const pin = DEMO_STAFF.find((m) => m.role === role)!.pin
  const { token } = await t.engine.invoke('auth.signIn', { staffId: member.id, pin, tillId })
  return { caller: { session: token, integration: false }, id: member.id }
}

async function qrSale(amountFen: number, caller?: object, wallet: 'wechat' | 'alipay' = 'wechat') {
  const order = (await t.engine.invoke('orders.create', { amountFen }, caller as never)) as Order
  const payment = await t.engine.invoke('payments.create', { id: order.id, wallet, qrSvg: false }, caller as never)
  await customerPays(t.engine, payment.qrContent)
  return { order, payment }
}

const verify = () => t.engine.invoke('books.verify', {})

describe('the journal', () => {
  it('balances through sales, fees, refunds and a duplicate payment given back', async () => {
    t = testEngine()
    const { order } = await qrSale(10_000)
    await t.engine.invoke('refunds.create', { id: order.id, amountFen: 2500, reason: 'customer_return' })
    // A second code of another order paid too: its money sits in `unapplied` until it is given back.
    const twice = (await t.engine.invoke('orders.create', { amountFen: 3000 })) as Order
    const first = await t.engine.invoke('payments.create', { id: twice.id, wallet: 'wechat', qrSvg: false })
    const second = await t.engine.invoke('payments.create', { id: twice.id, wallet: 'alipay', qrSvg: false })
    const page = (qr: string | null) => new URL(qr!).pathname.split('/').pop()!
    await Promise.all([
      t.engine.simulator.confirm(page(first.qrContent)),
      t.engine.simulator.confirm(page(second.qrContent)),
    ])
    await t.engine.idle()
    await t.engine.sweep()
    await t.engine.idle()

    const result = await verify()
    expect(result).toMatchObject({ ok: true, problems: [] })
    expect(result.checked).toMatchObject({ orders: 2, payments: 3, refunds: 2 })
    const books = balances(t.engine.db)
    expect(books.get('sales')).toBe(-13_000)
    expect(books.get('refunds')).toBe(2500)
    expect(books.get('unapplied') ?? 0).toBe(0)
    const fees = [...books].filter(([account]) => account.startsWith('fees:')).reduce((sum, [, fen]) => sum + fen, 0)
    const clearing = [...books]
      .filter(([account]) => account.startsWith('clearing:'))
      .reduce((sum, [, fen]) => sum + fen, 0)
    expect(fees).toBeGreaterThan(0)
    expect(clearing).toBe(13_000 - 2500 - fees)
  })

  it('is append-only, and the check finds what was tampered with', async () => {
    t = testEngine()
    const { order } = await qrSale(5000)
    const db = t.engine.db
    expect(() => db.prepare('UPDATE journal_entries SET amount_fen = 1').run()).toThrow(/append-only/)
    expect(() => db.prepare('DELETE FROM journal_transactions').run()).toThrow(/append-only/)
    // A one-sided transaction, a balance nudged, and an order whose amount no longer matches its sale.
    db.prepare("INSERT INTO journal_transactions (kind, at, amount_fen) VALUES ('reversal', 0, 7)").run()
    const txn = (db.prepare('SELECT MAX(id) AS id FROM journal_transactions').get() as { id: number }).id
    db.prepare("INSERT INTO journal_entries (txn_id, account, amount_fen) VALUES (?, 'sales', 7)").run(txn)
    db.prepare("UPDATE ledger_balances SET balance_fen = balance_fen + 1 WHERE account = 'unapplied'").run()
    db.prepare('UPDATE orders SET total_fen = total_fen + 1 WHERE id = ?').run(order.id)
    const result = await verify()
    expect(result.ok).toBe(false)
    expect(result.problems.map((p) => p.check).sort()).toEqual([
      'balance_differs_from_entries',
      'order_sale_missing_or_wrong',
      'transaction_unbalanced',
    ])
    expect(result.problems.find((p) => p.check === 'transaction_unbalanced')?.ids).toEqual([String(txn)])
  })
})

describe('the journal inside a unit of work', () => {
  const paymentRows = (attemptId: string) =>
    t.engine.db
      .prepare(
        "SELECT kind FROM journal_transactions WHERE attempt_id = ? AND kind IN ('payment', 'fee', 'sale') ORDER BY id",
      )
      .pluck()
      .all(attemptId)

  async function waitingPayment(amountFen: number, wallet: 'wechat' | 'alipay') {
    const order = (await t.engine.invoke('orders.create', { amountFen })) as Order
    const payment = await t.engine.invoke('payments.create', { id: order.id, wallet, qrSvg: false })
    const succeeded = {
      type: 'payment.succeeded',
      orderId: order.id,
      attemptId: payment.id,
      data: { wallet, amountFen, providerTradeNo: `sim-${payment.id}` },
    } as const
    return { payment, succeeded }
  }

  it('posts a payment, its fee and the sale it makes together, in that order', async () => {
    t = testEngine()
    const { payment } = await waitingPayment(4200, 'wechat')
    await customerPays(t.engine, payment.qrContent)
    expect(paymentRows(payment.id)).toEqual(['payment', 'fee', 'sale'])
    expect((await verify()).ok).toBe(true)
  })

  it('writes a payment held back at the end of its unit; a unit that fails leaves nothing for the next one', async () => {
    t = testEngine()
    const lost = await waitingPayment(4200, 'wechat')
    const kept = await waitingPayment(1500, 'alipay')
    expect(() =>
      t.engine.events.unitOfWork(() => {
        t.engine.events.append(lost.succeeded)
        throw new Error('the unit fails after its payment was appended')
      }),
    ).toThrow(/unit fails/)
    t.engine.events.unitOfWork(() => t.engine.events.append(kept.succeeded))
    expect(paymentRows(lost.payment.id)).toEqual([])
    expect(paymentRows(kept.payment.id)).toEqual(['payment', 'fee'])
    await t.engine.events.durable()
  })
})

describe('shifts (交班)', () => {
  it('opens with a float, takes cash sales, refunds and paid-outs, and closes with a difference a manager approves', async () => {
    t = testEngine()
    const till = await t.engine.invoke('tills.register', { name: '收银台 1', kind: 'desktop' })
    const cashier = await signedIn('cashier', till.id)
    const owner = await signedIn('owner', till.id)
    const shift = await t.engine.invoke('shifts.open', { openingFloatFen: 20_000 }, cashier.caller)
    await expect(t.engine.invoke('shifts.open', { openingFloatFen: 0 }, cashier.caller)).rejects.toMatchObject({
      code: 'INVALID_STATE',
    })
    const order = (await t.engine.invoke('orders.create', { amountFen: 3650 }, cashier.caller)) as Order
    await t.engine.invoke('payments.create', { id: order.id, wallet: 'cash', tenderedFen: 5000 }, cashier.caller)
    await t.engine.invoke('refunds.create', { id: order.id, amountFen: 650, reason: 'wrong_item' }, cashier.caller)
    await qrSale(8800, cashier.caller)
    await t.engine.invoke(
      'shifts.moveCash',
      { id: shift.id, direction: 'out', amountFen: 1500, reason: 'paid_out', note: '买冰' },
      cashier.caller,
    )
    await t.engine.invoke(
      'shifts.moveCash',
      { id: shift.id, direction: 'in', amountFen: 5000, reason: 'change_top_up' },
      cashier.caller,
    )
    await expect(
      t.engine.invoke(
        'shifts.moveCash',
        { id: shift.id, direction: 'out', amountFen: 1_000_000, reason: 'to_safe' },
        cashier.caller,
      ),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' })

    const current = (await t.engine.invoke('shifts.current', {}, cashier.caller)).shift!
    const expected = 20_000 + 3650 - 650 - 1500 + 5000
    expect(current.report.cash).toMatchObject({
      openingFloatFen: 20_000,
      salesFen: 3650,
      refundsFen: 650,
      cashInFen: 5000,
      cashOutFen: 1500,
      expectedFen: expected,
    })
    expect(current.report.methods.map((m) => [m.wallet, m.payments, m.receivedFen, m.refundedFen])).toEqual([
      ['wechat', 1, 8800, 0],
      ['cash', 1, 3650, 650],
    ])

    const close = { id: shift.id, countedCashFen: expected - 2000 }
    await expect(t.engine.invoke('shifts.close', close, cashier.caller)).rejects.toMatchObject({
      code: 'APPROVAL_REQUIRED',
      details: { differenceFen: -2000 },
    })
    await expect(
      t.engine.invoke('shifts.close', { ...close, approval: { staffId: owner.id, pin: '0000' } }, cashier.caller),
    ).rejects.toMatchObject({ code: 'PIN_INCORRECT' })
    const closed = await t.engine.invoke(
      'shifts.close',
      { ...close, approval: { staffId: owner.id, pin: '8888' }, note: '找错零钱' },
      cashier.caller,
    )
    expect(closed).toMatchObject({ status: 'closed', differenceFen: -2000, approvedBy: owner.id, closedBy: cashier.id })
    expect(closed.report.cash).toMatchObject({
      expectedFen: expected,
      countedFen: expected - 2000,
      differenceFen: -2000,
    })
    const books = balances(t.engine.db)
    expect(books.get(`drawer:${till.id}`)).toBe(expected - 2000)
    expect(books.get('over_short')).toBe(2000)
    expect(books.get('paid_out')).toBe(1500)
    expect((await verify()).ok).toBe(true)
    const handover = await t.engine.invoke('shifts.exportCsv', { id: shift.id })
    // Float 200, cash sales 36.50, cash refunds 6.50, in 50, out 15: 265.00 expected, 245.00 counted.
    expect(handover.text.split('\r\n')[3]).toBe('200.00,36.50,6.50,50.00,15.00,265.00,245.00,-20.00')

    // The QR sale was paid on the customer's phone, yet it counts for the cashier who rang it up.
    const day = await t.engine.invoke('days.get', { day: '2026-11-21' })
    expect(day.cashiers.find((c) => c.staffId === cashier.id)).toMatchObject({
      name: '李收银',
      orders: 2,
      salesFen: 3650 + 8800,
      refunds: 1,
      refundsFen: 650,
    })

    // A small difference needs nobody.
    const next = await t.engine.invoke('shifts.open', { openingFloatFen: 10_000 }, cashier.caller)
    expect(
      (await t.engine.invoke('shifts.close', { id: next.id, countedCashFen: 10_050 }, cashier.caller)).differenceFen,
    ).toBe(50)
  })
})

describe('day close (日结)', () => {
  it('matches the orders summed on their own, locks the day, and books a later refund to the day it happens', async () => {
    t = testEngine()
    // START is 10:00 Beijing time on 2026-11-21; the business day starts at 04:00.
    const sales = [await qrSale(12_300), await qrSale(4560, undefined, 'alipay'), await qrSale(990)]
    await t.engine.invoke('refunds.create', { id: sales[0]!.order.id, amountFen: 1300, reason: 'price_adjustment' })
    const cash = (await t.engine.invoke('orders.create', { amountFen: 2000 })) as Order
    await t.engine.invoke('payments.create', { id: cash.id, wallet: 'cash', tenderedFen: 2000 })
    t.clock.advance(HOUR)

    const report = await t.engine.invoke('days.get', { day: '2026-11-21' })
    const paid = t.engine.db
      .prepare("SELECT COUNT(*) AS n, SUM(total_fen) AS fen FROM orders WHERE status = 'paid'")
      .get() as { n: number; fen: number }
    const fees = t.engine.db
      .prepare("SELECT SUM(merchant_fee_fen) AS fen FROM payment_attempts WHERE status = 'succeeded'")
      .get() as { fen: number }
    expect(report.totals).toMatchObject({
      orders: paid.n,
      salesFen: paid.fen,
      refunds: 1,
      refundsFen: 1300,
      feesFen: fees.fen,
      netFen: paid.fen - 1300 - fees.fen,
      averageTicketFen: Math.round(paid.fen / paid.n),
    })
    const wechat = report.wallets.find((w) => w.wallet === 'wechat')!
    expect(wechat).toMatchObject({ payments: 2, receivedFen: 13_290, refundedFen: 1300, settlementDate: '2026-11-22' })
    expect(report.wallets.find((w) => w.wallet === 'cash')).toMatchObject({
      receivedFen: 2000,
      settlementDate: '2026-11-21',
    })
    expect(report.startsAt).toBe('2026-11-20T20:00:00.000Z')

    const closed = await t.engine.invoke('days.close', { day: '2026-11-21' })
    expect(closed).toMatchObject({ status: 'closed', totals: report.totals })
    await expect(t.engine.invoke('days.close', { day: '2026-11-21' })).rejects.toMatchObject({ code: 'INVALID_STATE' })
    await expect(t.engine.invoke('days.close', { day: '2026-11-23' })).rejects.toMatchObject({ code: 'INVALID_STATE' })

    // Later that evening a sale of the closed day is refunded: the closed report stays, the refund is the next day's.
    t.clock.advance(2 * HOUR)
    await t.engine.invoke('refunds.create', { id: sales[1]!.order.id, amountFen: 560, reason: 'customer_return' })
    expect((await t.engine.invoke('days.get', { day: '2026-11-21' })).totals).toEqual(closed.totals)
    const next = await t.engine.invoke('days.get', { day: '2026-11-22' })
    expect(next.startsAt).toBe(closed.endsAt)
    expect(next.totals).toMatchObject({ orders: 0, refunds: 1, refundsFen: 560 })
    expect((await t.engine.invoke('days.list', { count: 3 })).days.map((d) => [d.day, d.status])).toEqual([
      ['2026-11-21', 'closed'],
      ['2026-11-20', 'open'],
      ['2026-11-19', 'open'],
    ])
    expect((await verify()).ok).toBe(true)
  })

  it('a cashier may not close the day; the manager and owner may, over HTTP too', async () => {
    const s = await testServer()
    t = s
    const cashier = await s.signIn('cashier')
    const refused = await s.asIntegration('POST', '/api/days/2026-11-21/close', {}, { 'X-Hutong-Session': cashier })
    expect([refused.status, refused.json.error.code]).toEqual([403, 'FORBIDDEN'])
    expect((await s.api('POST', '/api/days/2026-11-21/close', {})).status).toBe(200)
    expect((await s.api('GET', '/api/books/verify')).json).toMatchObject({ ok: true })
    expect((await s.api('GET', '/api/days/21-11-2026')).status).toBe(400)
  })
})

describe('exports', () => {
  it('the day report as a CSV file Excel opens: UTF-8 with a BOM, yuan with two decimals; reports need permission', async () => {
    const s = await testServer()
    t = s
    const order = (await s.api('POST', '/api/orders', { amountFen: 12_345 })).json as Order
    await s.api('POST', `/api/orders/${order.id}/payments`, { wallet: 'cash', tenderedFen: 20_000 })
    const owner = await s.signIn('owner')
    const response = await fetch(`${s.base}/api/days/2026-11-21/report.csv`, {
      headers: { Authorization: `Bearer ${TEST_TOKEN}`, 'X-Hutong-Session': owner },
    })
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="day-2026-11-21.csv"')
    const bytes = Buffer.from(await response.arrayBuffer())
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = bytes.subarray(3).toString('utf8')
    expect(text.split('\r\n')[0]).toBe('营业日,2026-11-21,2026-11-20T20:00:00.000Z,2026-11-21T20:00:00.000Z')
    expect(text).toContain('cash,none,1,123.45,0,0.00,0.00,123.45,2026-11-21')
    const english = await s.api('GET', '/api/days/2026-11-21/csv?lang=en-US')
    expect(english.json.text).toContain('Sales (CNY)')
    const cashier = await s.signIn('cashier')
    const refused = await fetch(`${s.base}/api/days/2026-11-21/report.csv`, {
      headers: { Authorization: `Bearer ${TEST_TOKEN}`, 'X-Hutong-Session': cashier },
    })
    expect(refused.status).toBe(403)
    // The integrator token reads no reports unless the owner allows it.
    expect(
      (await fetch(`${s.base}/api/days/2026-11-21/report.csv`, { headers: { Authorization: `Bearer ${TEST_TOKEN}` } }))
        .status,
    ).toBe(403)
  })
})
