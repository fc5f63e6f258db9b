import { afterEach, describe, expect, it } from 'vitest'
import type { SimulatorFault } from '../../src/engine/providers/simulator/faults'
import { testEngine } from '../support/engine'
import { testServer } from '../support/server'
import { pageTokenOf } from '../support/simulator'

let t: ReturnType<typeof testEngine> | null = null
let s: Awaited<ReturnType<typeof testServer>> | null = null
afterEach(async () => {
  await t?.dispose()
  await s?.dispose()
  t = s = null
})

type Fault = Partial<SimulatorFault> & Pick<SimulatorFault, 'kind'>
const plan = (...faults: Fault[]) =>
  t!.engine.simulator.setFaults(faults.map((f) => ({ times: 1, delayMs: 3000, ...f })))

async function order(amountFen = 1000) {
  return t!.engine.invoke('orders.create', { amountFen })
}

async function qr(orderId: string, wallet: 'wechat' | 'alipay' = 'wechat') {
  return t!.engine.invoke('payments.create', { id: orderId, wallet })
}

const pays = (qrContent: string | null) => t!.engine.simulator.confirm(pageTokenOf(qrContent!))

/** What the merchant's books hold: the order, its payments and its refunds. */
function books(orderId: string) {
  const db = t!.engine.db
  return {
    order: db.prepare('SELECT status, paid_wallet FROM orders WHERE id = ?').get(orderId) as { status: string },
    attempts: db.prepare('SELECT status FROM payment_attempts WHERE order_id = ? ORDER BY id').all(orderId),
    refunds: db.prepare('SELECT amount_fen, status FROM refunds WHERE order_id = ?').all(orderId),
  }
}

const paidTrades = () =>
  (
    t!.engine.simulator.db.prepare("SELECT COUNT(*) AS n FROM sim_trades WHERE state = 'SUCCESS'").get() as {
      n: number
    }
  ).n

/** The planned faults all struck: the test saw them happen, not a quiet run. */
const expectSpent = () => expect(t!.engine.simulator.plannedFaults()).toEqual([])

async function settle() {
  await t!.engine.simulator.idle()
  await t!.engine.idle()
  t!.clock.advance(3000)
  await t!.engine.sweep()
  await t!.engine.idle()
}

describe('wallet faults end in a correct final state, no money lost or doubled', () => {
  it('timeout making a QR code: the attempt fails, the order stays payable, the next code pays once', async () => {
    t = testEngine()
    const o = await order()
    plan({ kind: 'timeout', calls: ['createQr'] })
    // The console names the wallet and says no money was taken.
    await expect(qr(o.id)).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
      details: { wallet: 'wechat', reversed: false },
    })
    const next = await qr(o.id)
    expect(pays(next.qrContent)).toBe('paid')
    await settle()
    expect(books(o.id)).toMatchObject({
      order: { status: 'paid' },
      attempts: [{ status: 'failed' }, { status: 'succeeded' }],
    })
    expect(paidTrades()).toBe(1)
    expectSpent()
  })

  it('5xx on the query: a silent payment is found by the next sweep', async () => {
    t = testEngine({ simulator: { defaultOutcome: 'succeed_silently' } })
    const o = await order()
    const code = await qr(o.id)
    pays(code.qrContent)
    plan({ kind: 'server_error', calls: ['query'], times: 2 })
    await settle()
    expect(books(o.id).order.status).toBe('awaiting_payment')
    await settle()
    await settle()
    expect(books(o.id)).toMatchObject({ order: { status: 'paid' }, attempts: [{ status: 'succeeded' }], refunds: [] })
    expectSpent()
  })

  it('connection reset charging a payment code: nothing was charged, the order stays payable', async () => {
    t = testEngine()
    const o = await order()
    plan({ kind: 'connection_reset', calls: ['payWithCode'] })
    // The charge is checked and reversed at once: the cashier is told the customer was not charged.
    await expect(
      t.engine.invoke('payments.create', { id: o.id, method: 'payment-code', authCode: '134567890123456789' }),
    ).rejects.toMatchObject({ code: 'PROVIDER_ERROR', details: { wallet: 'wechat', reversed: true } })
    await settle()
    const after = books(o.id)
    expect(after.order.status).not.toBe('paid')
    expect(after.attempts.every((a) => (a as { status: string }).status !== 'succeeded')).toBe(true)
    expect(paidTrades()).toBe(0)
    expectSpent()
  })

  it('an unreadable answer to a payment code: the wallet is asked, and the charge it made is recorded once', async () => {
    t = testEngine()
    const o = await order()
    plan({ kind: 'malformed_answer', calls: ['payWithCode'] })
    const paid = await t.engine.invoke('payments.create', {
      id: o.id,
      method: 'payment-code',
      authCode: '134567890123456789',
    })
    expect(paid.status).toBe('succeeded')
    await settle()
    expect(books(o.id)).toMatchObject({ order: { status: 'paid' }, attempts: [{ status: 'succeeded' }], refunds: [] })
    expect(paidTrades()).toBe(1)
    expectSpent()
  })

  it('a notification with a wrong signature is refused; the payment is found by query', async () => {
    t = testEngine()
    const o = await order()
    const code = await qr(o.id)
    plan({ kind: 'wrong_signature' })
    pays(code.qrContent)
    await t.engine.simulator.idle()
    expect(books(o.id).order.status).toBe('awaiting_payment')
    const rejected = t.engine.db.prepare("SELECT COUNT(*) AS n FROM events WHERE type = 'notification.rejected'").get()
    expect(rejected).toEqual({ n: 1 })
    await settle()
    expect(books(o.id).order.status).toBe('paid')
    expectSpent()
  })

  it('a duplicate notification changes nothing the second time', async () => {
    t = testEngine()
    const o = await order()
    const code = await qr(o.id)
    plan({ kind: 'duplicate_notification' })
    pays(code.qrContent)
    await settle()
    const succeeded = t.engine.db.prepare("SELECT COUNT(*) AS n FROM events WHERE type = 'payment.succeeded'").get()
    expect(succeeded).toEqual({ n: 1 })
    expect(books(o.id)).toMatchObject({ order: { status: 'paid' }, refunds: [] })
    expectSpent()
  })

  it('a late notification, after the sweep found the payment, changes nothing', async () => {
    t = testEngine()
    const o = await order()
    const code = await qr(o.id)
    plan({ kind: 'late_notification', delayMs: 300 })
    pays(code.qrContent)
    await t.engine.sweep()
    expect(books(o.id).order.status).toBe('paid')
    await settle()
    const succeeded = t.engine.db.prepare("SELECT COUNT(*) AS n FROM events WHERE type = 'payment.succeeded'").get()
    expect(succeeded).toEqual({ n: 1 })
    expectSpent()
  })

  it('notifications out of order: each payment is recorded once, against its own order', async () => {
    t = testEngine()
    const first = await order(1100)
    const second = await order(2200)
    const [a, b] = [await qr(first.id), await qr(second.id)]
    plan({ kind: 'out_of_order_notifications' })
    pays(a.qrContent)
    pays(b.qrContent)
    await settle()
    expect(books(first.id).order.status).toBe('paid')
    expect(books(second.id).order.status).toBe('paid')
    expect(paidTrades()).toBe(2)
    expectSpent()
  })

  it('a close that races the customer’s payment: the payment wins and pays the order', async () => {
    t = testEngine()
    const o = await order()
    const code = await qr(o.id)
    plan({ kind: 'close_races_payment' })
    const closed = await t.engine.invoke('payments.close', { id: code.id })
    expect(closed.status).toBe('succeeded')
    await settle()
    expect(books(o.id)).toMatchObject({ order: { status: 'paid' }, attempts: [{ status: 'succeeded' }], refunds: [] })
    expectSpent()
  })

  it('a refund that stays PROCESSING is asked about until it succeeds, and is made once', async () => {
    t = testEngine()
    const o = await order(1500)
    const [a, b] = [await qr(o.id, 'wechat'), await qr(o.id, 'alipay')]
    plan({ kind: 'refund_processing', times: 3 })
    // The customer pays both codes before the shop hears of either: the second payment is money to give back.
    pays(a.qrContent)
    pays(b.qrContent)
    for (let i = 0; i < 6; i++) await settle()
    expect(books(o.id)).toMatchObject({
      order: { status: 'paid' },
      refunds: [{ amount_fen: 1500, status: 'succeeded' }],
    })
    const simRefunds = t.engine.simulator.db
      .prepare('SELECT COUNT(*) AS n, SUM(amount_fen) AS total FROM sim_refunds')
      .get()
    expect(simRefunds).toEqual({ n: 1, total: 1500 })
    expect(t.engine.simulator.plannedFaults()).toEqual([])
  })
})

describe('the fault endpoint', () => {
  it('needs the token, checks what it is sent, and is refused while a wallet takes real money', async () => {
    s = await testServer()
    const body = JSON.stringify({ faults: [{ kind: 'timeout', calls: ['query'] }] })
    const anonymous = await fetch(`${s.base}/api/simulator/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    })
    expect(anonymous.status).toBe(401)
    expect((await s.api('POST', '/api/simulator/faults', { faults: [{ kind: 'meteor' }] })).json.error.code).toBe(
      'VALIDATION_FAILED',
    )
    const planned = await s.api('POST', '/api/simulator/faults', JSON.parse(body))
    expect(planned.json.faults).toEqual([{ kind: 'timeout', calls: ['query'], times: 1, delayMs: 3000 }])

    const wechat = (await s.api('GET', '/api/wallets')).json.wallets.find(
      (w: { wallet: string }) => w.wallet === 'wechat',
    )
    expect((await s.api('POST', '/api/wallets/wechat', { ...wechat, mode: 'production' })).status).toBe(200)
    const refused = await s.api('POST', '/api/simulator/faults', JSON.parse(body))
    expect(refused.json.error?.code ?? 'none').toBe('INVALID_STATE')
  })
})
