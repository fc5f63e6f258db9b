import { afterEach, describe, expect, it } from 'vitest'
import type { CreatedPayment, OrderDetail, Refund } from '../../src/shared/api/types'
import { realWalletEngineOptions, startLocalWallets, useSandbox } from '../support/realWallets'
import { testServer } from '../support/server'

let s: Awaited<ReturnType<typeof testServer>> | undefined
let wallets: Awaited<ReturnType<typeof startLocalWallets>> | undefined
let removeKeyDir: (() => void) | undefined
let clock: { jump(ms: number): void }

afterEach(async () => {
  await s?.dispose()
  await wallets?.close()
  removeKeyDir?.()
  s = wallets = removeKeyDir = undefined
})

async function setup() {
  const real = realWalletEngineOptions()
  removeKeyDir = real.removeKeyDir
  clock = real.clock
  wallets = await startLocalWallets()
  s = await testServer(real.options)
  expect((await s.api('POST', '/api/wallets/wechat/credentials', wallets.wechatCredentials)).status).toBe(200)
  expect((await s.api('POST', '/api/wallets/alipay/credentials', wallets.alipayCredentials)).status).toBe(200)
  await useSandbox(s.engine, 'wechat')
  await useSandbox(s.engine, 'alipay')
  return { s, wallets }
}

const detail = async (id: string) => (await s!.api('GET', `/api/orders/${id}`)).json as OrderDetail
const refundOf = async (id: string) => (await s!.api('GET', `/api/refunds/${id}`)).json as Refund

async function refund(orderId: string, body: Record<string, unknown>) {
  const answer = await s!.api('POST', `/api/orders/${orderId}/refunds`, body)
  expect(answer.status, answer.text).toBe(201)
  return answer.json as Refund
}

/** WeChat Pay answers a refund PROCESSING; it is asked about again after the back-off. */
async function wechatCompletes(refundId: string): Promise<void> {
  wallets!.wechat.completeRefund(refundId)
  clock.jump(5000)
  await s!.engine.sweep()
  await s!.engine.idle()
}

describe('merchant refunds through WeChat Pay API v3 (local protocol server)', () => {
  it('partial and repeated refunds: out_refund_no is our refund id, amount.total the payment', async () => {
    const { s, wallets } = await setup()
    const order = (await s.api('POST', '/api/orders', { amountFen: 1000 })).json
    const payment = (await s.api('POST', `/api/orders/${order.id}/payments`, { wallet: 'wechat' })).json
    wallets.wechat.customerPays(payment.id)
    await s.engine.sweep()

    const first = await refund(order.id, { amountFen: 300, reason: 'price_adjustment' })
    expect(first).toMatchObject({ status: 'processing', paymentId: payment.id, wallet: 'wechat' })
    expect(wallets.wechat.refunds.get(first.id)).toMatchObject({ outTradeNo: payment.id, amountFen: 300 })
    expect((await detail(order.id)).status).toBe('paid')
    await wechatCompletes(first.id)
    expect(await refundOf(first.id)).toMatchObject({ status: 'succeeded' })
    expect(await detail(order.id)).toMatchObject({ status: 'partially_refunded', refundedFen: 300, refundableFen: 700 })

    const rest = await refund(order.id, { reason: 'customer_return' })
    expect(rest.amountFen).toBe(700)
    await wechatCompletes(rest.id)
    expect(await detail(order.id)).toMatchObject({ status: 'refunded', refundedFen: 1000, refundableFen: 0 })
    expect([...wallets.wechat.refunds.values()].map((r) => [r.outRefundNo, r.amountFen])).toEqual([
      [first.id, 300],
      [rest.id, 700],
    ])

    const calls = wallets.wechat.requests.length
    const more = await s.api('POST', `/api/orders/${order.id}/refunds`, { amountFen: 1, reason: 'duplicate' })
    expect(more.json.error.code).toBe('REFUND_EXCEEDS_PAID')
    expect(wallets.wechat.requests.length).toBe(calls)
  })

  it('a refund whose answer was cut off is sent again under the same number: the customer gets it once', async () => {
    const { s, wallets } = await setup()
    const order = (await s.api('POST', '/api/orders', { amountFen: 1000 })).json
    const payment = (await s.api('POST', `/api/orders/${order.id}/payments`, { wallet: 'wechat' })).json
    wallets.wechat.customerPays(payment.id)
    await s.engine.sweep()
    // Executed at the wallet; the answer comes back truncated.
    wallets.wechat.faults.malformedNext = '/v3/refund/domestic/refunds'
    const lost = await refund(order.id, { amountFen: 400, reason: 'wrong_item' })
    expect(lost).toMatchObject({ status: 'pending', tries: 1 })
    expect(wallets.wechat.refunds.size).toBe(1)
    clock.jump(3000)
    await s.engine.sweep()
    await s.engine.idle()
    expect(await refundOf(lost.id)).toMatchObject({ status: 'processing' })
    await wechatCompletes(lost.id)
    expect(await refundOf(lost.id)).toMatchObject({ status: 'succeeded' })
    expect([...wallets.wechat.refunds.values()].map((r) => r.amountFen)).toEqual([400])
    expect(await detail(order.id)).toMatchObject({ refundedFen: 400 })
  })

  it('a payment-code payment is refunded the same way', async () => {
    const { s, wallets } = await setup()
    const order = (await s.api('POST', '/api/orders', { amountFen: 650 })).json
    const payment = (
      await s.api('POST', `/api/orders/${order.id}/payments`, {
        method: 'payment-code',
        authCode: '134567890123459999',
      })
    ).json as CreatedPayment
    expect(payment).toMatchObject({ wallet: 'wechat', status: 'succeeded' })
    const back = await refund(order.id, { amountFen: 150, reason: 'customer_return' })
    expect(wallets.wechat.refunds.get(back.id)).toMatchObject({ outTradeNo: payment.id, amountFen: 150 })
    await wechatCompletes(back.id)
    expect(await detail(order.id)).toMatchObject({ status: 'partially_refunded', refundedFen: 150 })
  })
})

describe('merchant refunds through Alipay (local gateway)', () => {
  it('partial and repeated alipay.trade.refund calls, out_request_no our refund id; Huabei goes the same way', async () => {
    const { s, wallets } = await setup()
    const order = (await s.api('POST', '/api/orders', { amountFen: 2000 })).json
    const payment = (await s.api('POST', `/api/orders/${order.id}/payments`, { wallet: 'alipay' })).json
    wallets.alipay.pay(payment.id)
    await s.engine.sweep()
    expect((await detail(order.id)).status).toBe('paid')

    // Alipay answers a refund at once.
    const first = await refund(order.id, { amountFen: 500, reason: 'wrong_item' })
    expect(first).toMatchObject({ status: 'succeeded', wallet: 'alipay' })
    const second = await refund(order.id, { reason: 'customer_return' })
    expect(second).toMatchObject({ status: 'succeeded', amountFen: 1500 })
    const calls = wallets.alipay.requests.filter((r) => r.method === 'alipay.trade.refund')
    expect(calls.map((r) => [r.biz.out_trade_no, r.biz.out_request_no, r.biz.refund_amount])).toEqual([
      [payment.id, first.id, '5.00'],
      [payment.id, second.id, '15.00'],
    ])
    expect([...wallets.alipay.trades.get(payment.id)!.refunds.values()].map((r) => r.fen)).toEqual([500, 1500])
    expect(await detail(order.id)).toMatchObject({ status: 'refunded', refundedFen: 2000 })

    await useSandbox(s.engine, 'huabei')
    const big = (await s.api('POST', '/api/orders', { amountFen: 60_000 })).json
    const hb = (await s.api('POST', `/api/orders/${big.id}/payments`, { wallet: 'huabei', installments: 6 })).json
    wallets.alipay.pay(hb.id)
    await s.engine.sweep()
    const hbRefund = await refund(big.id, { amountFen: 20_000, reason: 'customer_return' })
    expect(hbRefund).toMatchObject({ wallet: 'huabei', status: 'succeeded' })
    expect(wallets.alipay.trades.get(hb.id)!.refunds.get(hbRefund.id)).toMatchObject({ fen: 20_000 })
  })
})
