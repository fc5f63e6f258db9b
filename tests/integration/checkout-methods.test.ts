import { SYSTEM_CALLER } from '../../src/engine'
import { afterEach, describe, expect, it } from 'vitest'
import type { CreatedPayment, OrderDetail } from '../../src/shared/api/types'
import { getSetting } from '../../src/engine/store/settings'
import { testEngine } from '../support/engine'
import { order } from '../support/routing'
import { customerPays } from '../support/simulator'

let t: ReturnType<typeof testEngine>
afterEach(async () => t?.dispose())

const pay = (input: Record<string, unknown>) =>
  t.engine.invokeUntrusted('payments.create', input, SYSTEM_CALLER) as Promise<CreatedPayment>
const detail = (id: string) => t.engine.invoke('orders.get', { id }) as Promise<OrderDetail>
const WECHAT_CODE = '134567890123456781'

describe('customer payment codes (付款码)', () => {
  it('detects the wallet from the code and takes the money at once', async () => {
    t = testEngine()
    const o = await order(t.engine, { amountFen: 880 })
    const payment = await pay({ id: o.id, method: 'payment-code', authCode: WECHAT_CODE })
    expect(payment).toMatchObject({
      wallet: 'wechat',
      method: 'payment-code',
      status: 'succeeded',
      userPaying: false,
      qrContent: null,
    })
    const after = await detail(o.id)
    expect(after).toMatchObject({ status: 'paid', paidWallet: 'wechat' })
    expect(after.attempts[0]!.paymentCodeMasked).toBe('1345**********6781')
    expect(JSON.stringify(after)).not.toContain(WECHAT_CODE)
  })

  it.each([
    ['Alipay', '280000000000000012', 'alipay'],
    ['UnionPay QuickPass', '6200000000000000012', 'unionpay'],
  ])('recognises %s codes', async (_label, code, wallet) => {
    t = testEngine()
    const o = await order(t.engine, { amountFen: 100 })
    expect((await pay({ id: o.id, method: 'payment-code', authCode: code })).wallet).toBe(wallet)
  })

  it('USERPAYING → the customer enters the password → success, found by polling', async () => {
    t = testEngine()
    const o = await order(t.engine, { amountFen: 880 })
    const payment = await pay({ id: o.id, method: 'payment-code', authCode: '134567890123450001' })
    expect(payment).toMatchObject({ status: 'pending', userPaying: true })
    expect((await detail(o.id)).status).toBe('awaiting_payment')
    t.clock.advance(3000)
    await t.engine.sweep()
    expect((await detail(o.id)).status).toBe('awaiting_payment')
    t.clock.advance(2000)
    await t.engine.sweep()
    const after = await detail(o.id)
    expect(after.status).toBe('paid')
    expect(after.timeline.map((e) => e.type)).toEqual(
      expect.arrayContaining(['payment.user_paying', 'payment.succeeded', 'order.paid']),
    )
  })

  it('USERPAYING → timeout → reversed at the wallet; the order stays payable', async () => {
    t = testEngine()
    const o = await order(t.engine, { amountFen: 880 })
    const payment = await pay({ id: o.id, method: 'payment-code', authCode: '134567890123450002' })
    t.clock.advance(59_000)
    await t.engine.sweep()
    expect((await detail(o.id)).status).toBe('awaiting_payment')
    t.clock.advance(1000)
    await t.engine.sweep()
    const after = await detail(o.id)
    expect(after.status).toBe('open')
    expect(after.attempts[0]).toMatchObject({ status: 'closed' })
    expect(after.timeline.at(-2)).toMatchObject({ type: 'payment.reversed', data: { reason: 'USERPAYING_TIMEOUT' } })
    expect((await t.engine.simulator.query(payment.id)).state).toBe('CLOSED')
    // The customer pays again with another code.
    await pay({ id: o.id, method: 'payment-code', authCode: WECHAT_CODE })
    expect((await detail(o.id)).status).toBe('paid')
  })

  it('a declined code fails the attempt and leaves the order payable', async () => {
    t = testEngine()
    const o = await order(t.engine, { amountFen: 880 })
    const payment = await pay({ id: o.id, method: 'payment-code', authCode: '134567890123450003' })
    expect(payment).toMatchObject({ status: 'failed', failureCode: 'DECLINED' })
    expect((await detail(o.id)).status).toBe('open')
  })

  it('refuses codes of no known wallet, and codes of wallets unavailable for the order', async () => {
    t = testEngine()
    const o = await order(t.engine, { amountFen: 880 })
    await expect(pay({ id: o.id, method: 'payment-code', authCode: '990000000000000000' })).rejects.toMatchObject({
      code: 'PAYMENT_CODE_UNRECOGNIZED',
    })
    await expect(pay({ id: o.id, method: 'payment-code', authCode: '180000000000000000' })).rejects.toMatchObject({
      code: 'WALLET_UNAVAILABLE', // a JD Pay code; the demo's JD Pay contract is pending
    })
    await expect(pay({ id: o.id, method: 'payment-code', authCode: '12ab' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    })
    expect((await detail(o.id)).attempts).toEqual([])
  })

  it('the unconfirmed rules (JD Pay, e-CNY) are configuration, not code', async () => {
    t = testEngine()
    const settings = await t.engine.invoke('routing.get', {})
    const rules = settings.paymentCodeRules.map((r) => (r.wallet === 'jdpay' ? { ...r, prefixes: ['19'] } : r))
    await t.engine.invoke('routing.update', { ...settings, paymentCodeRules: rules })
    const current = (await t.engine.invoke('wallets.list', {})).wallets.find((w) => w.wallet === 'jdpay')!
    await t.engine.invoke('wallets.update', { ...current, contractStatus: 'signed' })
    const o = await order(t.engine, { amountFen: 100 })
    expect((await pay({ id: o.id, method: 'payment-code', authCode: '190000000000000000' })).wallet).toBe('jdpay')
  })
})

describe('cash', () => {
  it('takes the tendered amount and gives change', async () => {
    t = testEngine()
    const o = await order(t.engine, { amountFen: 1730 })
    const payment = await pay({ id: o.id, wallet: 'cash', tenderedFen: 5000 })
    expect(payment).toMatchObject({ method: 'cash', status: 'succeeded', tenderedFen: 5000, changeFen: 3270 })
    expect((await detail(o.id)).status).toBe('paid')
  })

  it('refuses less than the total', async () => {
    t = testEngine()
    const o = await order(t.engine, { amountFen: 1730 })
    await expect(pay({ id: o.id, wallet: 'cash', tenderedFen: 1729 })).rejects.toMatchObject({
      code: 'INSUFFICIENT_TENDER',
    })
    expect((await detail(o.id)).status).toBe('open')
  })
})

describe('Huabei installments', () => {
  it('pays by QR with the chosen number of periods, and refuses periods not offered', async () => {
    t = testEngine()
    const o = await order(t.engine, { amountFen: 20_000 })
    await expect(pay({ id: o.id, wallet: 'huabei', method: 'qr', installments: 24 })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    })
    await expect(pay({ id: o.id, wallet: 'wechat', method: 'qr', installments: 6 })).rejects.toMatchObject({
      code: 'INSTALLMENTS_UNAVAILABLE',
    })
    const payment = await pay({ id: o.id, wallet: 'huabei', method: 'qr', installments: 6 })
    expect(payment).toMatchObject({ wallet: 'huabei', installments: 6, status: 'pending' })
    await customerPays(t.engine, payment.qrContent)
    const after = await detail(o.id)
    expect(after).toMatchObject({ status: 'paid', paidWallet: 'huabei' })
    expect(after.attempts[0]).toMatchObject({ installments: 6, merchantFeeFen: 120 }) // customer bears the installment fee
  })
})

describe('several live QR codes: first success wins, a second payment is refunded exactly once', () => {
  async function paidTwice() {
    t = testEngine({ simulator: { defaultOutcome: 'succeed_silently' } })
    const o = await order(t.engine, { amountFen: 990 })
    const wechat = await pay({ id: o.id, wallet: 'wechat' })
    const alipay = await pay({ id: o.id, wallet: 'alipay' })
    // Two people pay both codes before the console hears of either (no notifications reach it).
    await customerPays(t.engine, wechat.qrContent)
    await customerPays(t.engine, alipay.qrContent)
    return { o, wechat, alipay }
  }

  it('refunds the second payment automatically and shows it on the timeline', async () => {
    const { o, alipay } = await paidTwice()
    await t.engine.sweep()
    await t.engine.idle()
    const after = await detail(o.id)
    expect(after).toMatchObject({ status: 'paid', paidWallet: 'wechat' })
    expect(after.refunds).toHaveLength(1)
    expect(after.refunds[0]).toMatchObject({
      attemptId: alipay.id,
      amountFen: 990,
      reason: 'duplicate_payment',
      status: 'succeeded',
    })
    expect(after.timeline.map((e) => e.type)).toEqual(
      expect.arrayContaining(['payment.late_success', 'refund.created', 'refund.succeeded']),
    )
    const refunds = t.engine.simulator.db
      .prepare('SELECT COUNT(*) AS n, SUM(amount_fen) AS total FROM sim_refunds')
      .get()
    expect(refunds).toEqual({ n: 1, total: 990 })
  })

  it('a lost refund answer is retried with the same refund number: the wallet refunds once', async () => {
    const { o } = await paidTwice()
    t.engine.simulator.loseNextRefundAnswer()
    await t.engine.sweep()
    await t.engine.idle()
    t.clock.advance(2000) // the retry waits out its back-off
    await t.engine.sweep()
    const after = await detail(o.id)
    expect(after.refunds).toHaveLength(1)
    expect(after.refunds[0]).toMatchObject({ status: 'succeeded', tries: 2 })
    expect(t.engine.simulator.db.prepare('SELECT COUNT(*) AS n FROM sim_refunds').get()).toEqual({ n: 1 })
    expect(after.timeline.filter((e) => e.type === 'refund.succeeded')).toHaveLength(1)
  })

  it('repeated notifications of the second payment create no second refund', async () => {
    const { o, alipay } = await paidTwice()
    await t.engine.sweep()
    await t.engine.idle()
    const { createHmac } = await import('node:crypto')
    const secret = getSetting(t.engine.db, 'simulator.notification_secret')!
    for (let i = 0; i < 3; i++) {
      const body = JSON.stringify({ resource: { out_trade_no: alipay.id } })
      const timestamp = String(Math.floor(t.clock.now() / 1000))
      const signature = createHmac('sha256', secret).update(`${timestamp}\nn${i}\n${body}\n`).digest('base64')
      await t.engine.acceptNotification('simulator', {
        headers: { 'x-sim-timestamp': timestamp, 'x-sim-nonce': `n${i}`, 'x-sim-signature': signature },
        body,
      })
    }
    await t.engine.sweep()
    const after = await detail(o.id)
    expect(after.refunds).toHaveLength(1)
    expect(t.engine.simulator.db.prepare('SELECT COUNT(*) AS n FROM sim_refunds').get()).toEqual({ n: 1 })
  })

  it('the database itself refuses a second automatic refund of one payment', async () => {
    const { alipay } = await paidTwice()
    await t.engine.sweep()
    expect(() =>
      t.engine.db
        .prepare(
          "INSERT INTO refunds (id, order_id, attempt_id, wallet, amount_fen, reason, status, created_at, updated_at) SELECT 'rfd_x', order_id, id, wallet, amount_fen, 'duplicate_payment', 'pending', 0, 0 FROM payment_attempts WHERE id = ?",
        )
        .run(alipay.id),
    ).toThrow(/UNIQUE/)
  })
})
