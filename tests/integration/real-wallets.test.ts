import { afterEach, describe, expect, it } from 'vitest'
import type { CreatedPayment, OrderDetail } from '../../src/shared/api/types'
import { realWalletEngineOptions, startLocalWallets, useSandbox } from '../support/realWallets'
import { testServer } from '../support/server'
import { pageTokenOf } from '../support/simulator'

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

async function setup(engineOptions: Record<string, unknown> = {}) {
  const real = realWalletEngineOptions()
  removeKeyDir = real.removeKeyDir
  clock = real.clock
  wallets = await startLocalWallets()
  s = await testServer({ ...real.options, ...engineOptions })
  expect((await s.api('POST', '/api/wallets/wechat/credentials', wallets.wechatCredentials)).status).toBe(200)
  expect((await s.api('POST', '/api/wallets/alipay/credentials', wallets.alipayCredentials)).status).toBe(200)
  await useSandbox(s.engine, 'wechat')
  await useSandbox(s.engine, 'alipay')
  return { s, wallets }
}

const detail = async (id: string) => (await s!.api('GET', `/api/orders/${id}`)).json as OrderDetail

describe('real wallets through the engine (local protocol servers on 127.0.0.1)', () => {
  it('Test connection proves keys, serial and clock for both wallets', async () => {
    const { s } = await setup()
    expect((await s.api('POST', '/api/wallets/wechat/test', { mode: 'sandbox' })).json).toMatchObject({
      ok: true,
      code: 'OK',
    })
    expect((await s.api('POST', '/api/wallets/alipay/test', { mode: 'sandbox' })).json).toMatchObject({
      ok: true,
      code: 'OK',
    })
  })

  it('WeChat Pay sandbox: Native QR, the customer pays, polling finds it, the order is paid', async () => {
    const { s, wallets } = await setup()
    const order = (await s.api('POST', '/api/orders', { amountFen: 1234 })).json
    const options = (await s.api('GET', `/api/orders/${order.id}/payment-options`)).json.options
    expect(options.find((o: { wallet: string }) => o.wallet === 'wechat')).toMatchObject({
      available: true,
      mode: 'sandbox',
    })
    const payment = (await s.api('POST', `/api/orders/${order.id}/payments`, { wallet: 'wechat' }))
      .json as CreatedPayment
    expect(payment.qrContent).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/)
    expect((await detail(order.id)).status).toBe('awaiting_payment')
    wallets.wechat.customerPays(payment.id)
    await s.engine.sweep()
    const paid = await detail(order.id)
    expect(paid).toMatchObject({ status: 'paid', paidWallet: 'wechat' })
    expect(paid.attempts[0]).toMatchObject({ mode: 'sandbox', status: 'succeeded' })
  })

  it('WeChat Pay: a verified notification pays the order at once; a forged one is refused and logged', async () => {
    const { s, wallets } = await setup()
    const order = (await s.api('POST', '/api/orders', { amountFen: 880 })).json
    const payment = (await s.api('POST', `/api/orders/${order.id}/payments`, { wallet: 'wechat' }))
      .json as CreatedPayment
    wallets.wechat.customerPays(payment.id)
    const forged = await fetch(`${s.base}/api/notify/wechatpay:sandbox`, {
      method: 'POST',
      ...(() => {
        const n = wallets.wechat.notification(payment.id, {
          signingKeyPem: wallets.wechatCredentials.merchantPrivateKeyPem,
        })
        return { headers: { ...n.headers, 'Content-Type': 'application/json' }, body: n.body }
      })(),
    })
    expect(forged.status).toBe(400)
    expect((await detail(order.id)).status).toBe('awaiting_payment')
    expect(s.engine.events.since(0, 1000).some((e) => e.type === 'security.rejected')).toBe(true)
    const status = await wallets.wechat.sendNotification(`${s.base}/api/notify/wechatpay:sandbox`, payment.id)
    expect(status).toBe(200)
    expect((await detail(order.id)).status).toBe('paid')
  })

  it('Alipay sandbox: precreate, a signed notification answered "success", Huabei carries the fee bearer', async () => {
    const { s, wallets } = await setup()
    const order = (await s.api('POST', '/api/orders', { amountFen: 1230 })).json
    const payment = (await s.api('POST', `/api/orders/${order.id}/payments`, { wallet: 'alipay' }))
      .json as CreatedPayment
    expect(wallets.alipay.trades.get(payment.id)).toMatchObject({ totalAmount: '12.30' })
    wallets.alipay.pay(payment.id)
    const answer = await wallets.alipay.notify(payment.id, `${s.base}/api/notify/alipay:sandbox`)
    expect(answer).toMatchObject({ status: 200, text: 'success' })
    expect((await detail(order.id)).status).toBe('paid')

    await useSandbox(s.engine, 'huabei')
    const big = (await s.api('POST', '/api/orders', { amountFen: 60_000 })).json
    const hb = (await s.api('POST', `/api/orders/${big.id}/payments`, { wallet: 'huabei', installments: 6 }))
      .json as CreatedPayment
    expect(wallets.alipay.trades.get(hb.id)!.extendParams).toEqual({ hb_fq_num: '6', hb_fq_seller_percent: '0' })
  })

  it('Alipay: a QR nobody scanned cannot be closed, so it is watched; money that lands later is refunded once', async () => {
    const { s, wallets } = await setup()
    const order = (await s.api('POST', '/api/orders', { amountFen: 990 })).json
    const alipay = (await s.api('POST', `/api/orders/${order.id}/payments`, { wallet: 'alipay' }))
      .json as CreatedPayment
    // The cashier switches to cash; the Alipay code is "closed" (Alipay has no trade yet).
    await s.api('POST', `/api/payments/${alipay.id}/close`)
    await s.api('POST', `/api/orders/${order.id}/payments`, { wallet: 'cash', tenderedFen: 1000 })
    // The customer had the code on screen and pays it anyway.
    wallets.alipay.pay(alipay.id)
    await s.engine.sweep()
    await s.engine.idle()
    await s.engine.sweep()
    const after = await detail(order.id)
    expect(after).toMatchObject({ status: 'paid', paidWallet: 'cash' })
    expect(after.refunds).toEqual([
      expect.objectContaining({ attemptId: alipay.id, amountFen: 990, status: 'succeeded' }),
    ])
  })

  it('payment codes go to the real wallet: WeChat USERPAYING is polled to success', async () => {
    const { s, wallets } = await setup()
    const order = (await s.api('POST', '/api/orders', { amountFen: 500 })).json
    const payment = (
      await s.api('POST', `/api/orders/${order.id}/payments`, {
        method: 'payment-code',
        authCode: '134567890123450001',
      })
    ).json as CreatedPayment
    expect(payment).toMatchObject({ wallet: 'wechat', status: 'pending', userPaying: true })
    wallets.wechat.customerPays(payment.id)
    await s.engine.sweep()
    expect((await detail(order.id)).status).toBe('paid')
  })
})

describe('a payment code the wallet declines in its answer', () => {
  it('fails the attempt as DECLINED at once, and asks the wallet to cancel nothing', async () => {
    const { s, wallets } = await setup()
    const order = (await s.api('POST', '/api/orders', { amountFen: 500 })).json
    // The local Alipay gateway declines codes ending in 0003 (ACQ.BUYER_BALANCE_NOT_ENOUGH).
    const payment = (
      await s.api('POST', `/api/orders/${order.id}/payments`, { method: 'payment-code', authCode: '2800000000000003' })
    ).json as CreatedPayment
    expect(payment).toMatchObject({ wallet: 'alipay', status: 'failed', failureCode: 'DECLINED' })
    // Alipay asks for a cancel only after a timeout or an unknown result; a decline is final.
    expect(wallets.alipay.requests.map((r) => r.method)).not.toContain('alipay.trade.cancel')
    expect((await detail(order.id)).status).toBe('open')
  })
})

describe('friend pay with a real wallet', () => {
  it('money a friend pays after the request expired is refunded to the friend, once', async () => {
    const { s, wallets } = await setup()
    const order = (await s.api('POST', '/api/orders', { amountFen: 2500 })).json
    const request = (await s.api('POST', `/api/orders/${order.id}/friend-pay`, { requesterName: '王小明' })).json
    const chosen = await fetch(`${request.url}/pay`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'wallet=alipay',
      redirect: 'manual',
    })
    expect(chosen.status).toBe(303)
    const attempt = (await detail(order.id)).attempts[0]!
    // The request is cancelled before the friend scans: Alipay has no trade to close yet.
    expect((await s.api('POST', `/api/friend-pay/${request.id}/cancel`)).json.status).toBe('cancelled')
    // The friend, with the Alipay page still open, pays anyway.
    wallets.alipay.pay(attempt.id)
    await s.engine.sweep()
    await s.engine.idle()
    await s.engine.sweep()
    const after = await detail(order.id)
    expect(after.status).not.toBe('paid')
    expect(after.refunds).toEqual([
      expect.objectContaining({ attemptId: attempt.id, amountFen: 2500, reason: 'late_payment', status: 'succeeded' }),
    ])
    expect(after.timeline.filter((e) => e.type === 'refund.succeeded')).toHaveLength(1)
  })
})

describe('a pending code made before the wallet changed mode', () => {
  it('is not reused: the friend gets a new code in the new mode, and the simulator code is closed', async () => {
    const real = realWalletEngineOptions()
    removeKeyDir = real.removeKeyDir
    wallets = await startLocalWallets()
    s = await testServer(real.options)
    expect((await s.api('POST', '/api/wallets/wechat/credentials', wallets.wechatCredentials)).status).toBe(200)
    const order = (await s.api('POST', '/api/orders', { amountFen: 1800 })).json
    const request = (await s.api('POST', `/api/orders/${order.id}/friend-pay`, { requesterName: '王小明' })).json
    const choose = () =>
      fetch(`${request.url}/pay`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'wallet=wechat',
        redirect: 'manual',
      })
    expect((await choose()).status).toBe(303)
    const simulated = (await detail(order.id)).attempts[0]!
    expect(simulated).toMatchObject({ mode: 'simulator', status: 'pending' })

    await useSandbox(s.engine, 'wechat')
    expect((await choose()).status).toBe(303)
    const after = await detail(order.id)
    expect(after.attempts.find((a) => a.id === simulated.id)).toMatchObject({ status: 'closed' })
    const live = after.attempts.find((a) => a.id !== simulated.id)
    expect(live).toMatchObject({ mode: 'sandbox', status: 'pending', wallet: 'wechat' })
    expect(wallets.wechat.trades.get(live!.id)).toMatchObject({ state: 'NOTPAY' })
    // The old simulator code can no longer be paid.
    expect(s.engine.simulator.confirm(pageTokenOf(simulated.qrContent))).toBe('closed')
  })
})

describe('money that does not fit is given back', () => {
  it('a payment of a different amount than asked is never accepted: the attempt fails and the wallet amount is refunded', async () => {
    const { s, wallets } = await setup()
    const order = (await s.api('POST', '/api/orders', { amountFen: 1000 })).json
    const payment = (await s.api('POST', `/api/orders/${order.id}/payments`, { wallet: 'wechat' }))
      .json as CreatedPayment
    wallets.wechat.customerPays(payment.id)
    wallets.wechat.trades.get(payment.id)!.amountFen = 1 // the wallet's books say ¥0.01 was taken
    await s.engine.sweep()
    await s.engine.idle()
    const after = await detail(order.id)
    expect(after.status).toBe('open')
    expect(after.attempts[0]).toMatchObject({ status: 'failed', failureCode: 'AMOUNT_MISMATCH' })
    expect(after.refunds).toEqual([expect.objectContaining({ amountFen: 1, reason: 'amount_mismatch' })])
    expect([...wallets.wechat.refunds.values()].map((r) => [r.outTradeNo, r.amountFen])).toEqual([[payment.id, 1]])
  })

  it('a refund the wallet holds as PROCESSING is asked about with back-off, not sent again; a closed one can be retried', async () => {
    const { s, wallets } = await setup()
    const order = (await s.api('POST', '/api/orders', { amountFen: 800 })).json
    const first = (await s.api('POST', `/api/orders/${order.id}/payments`, { wallet: 'wechat' })).json as CreatedPayment
    const second = (await s.api('POST', `/api/orders/${order.id}/payments`, { wallet: 'wechat' }))
      .json as CreatedPayment
    wallets.wechat.customerPays(first.id)
    wallets.wechat.customerPays(second.id)
    await s.engine.sweep()
    await s.engine.idle()
    let after = await detail(order.id)
    expect(after.status).toBe('paid')
    const refund = after.refunds[0]!
    expect(refund).toMatchObject({ status: 'processing', reason: 'duplicate_payment' })
    expect(wallets.wechat.refunds.size).toBe(1)
    // Too soon: the back-off holds the next call.
    await s.engine.sweep()
    expect(wallets.wechat.requests.filter((r) => r.path.startsWith('/v3/refund/domestic/refunds/')).length).toBe(0)
    // The wallet closes it (the money goes back to the merchant's balance).
    const atWallet = [...wallets.wechat.refunds.values()][0]!
    atWallet.status = 'CLOSED'
    clock.jump(5000)
    await s.engine.sweep()
    after = await detail(order.id)
    expect(after.refunds[0]).toMatchObject({ id: refund.id, status: 'failed' })
    expect(wallets.wechat.refunds.size).toBe(1) // queried, never sent twice
    // A manager tries again: a new refund number; the wallet pays it out.
    const retry = await s.api('POST', `/api/refunds/${refund.id}/retry`)
    expect(retry.status).toBe(201)
    expect(retry.json).toMatchObject({ status: 'pending', reason: 'duplicate_payment_retry', amountFen: 800 })
    await s.engine.idle()
    expect(wallets.wechat.refunds.size).toBe(2)
    wallets.wechat.completeRefund(retry.json.id)
    clock.jump(5000)
    await s.engine.sweep()
    after = await detail(order.id)
    expect(after.refunds.map((r) => r.status)).toEqual(['failed', 'succeeded'])
    expect((await s.api('POST', `/api/refunds/${refund.id}/retry`)).json.error.code).toBe('INVALID_STATE')
  })
})

describe('abnormal refunds', () => {
  it('are not retried by a second refund (that would pay twice): the merchant platform settles them', async () => {
    const { s, wallets } = await setup()
    const order = (await s.api('POST', '/api/orders', { amountFen: 600 })).json
    const first = (await s.api('POST', `/api/orders/${order.id}/payments`, { wallet: 'wechat' })).json as CreatedPayment
    const second = (await s.api('POST', `/api/orders/${order.id}/payments`, { wallet: 'wechat' }))
      .json as CreatedPayment
    wallets.wechat.customerPays(first.id)
    wallets.wechat.customerPays(second.id)
    await s.engine.sweep()
    await s.engine.idle()
    ;[...wallets.wechat.refunds.values()][0]!.status = 'ABNORMAL'
    clock.jump(5000)
    await s.engine.sweep()
    const refund = (await detail(order.id)).refunds[0]!
    expect(refund.status).toBe('failed')
    const retry = await s.api('POST', `/api/refunds/${refund.id}/retry`)
    expect(retry.status).toBe(409)
    expect(retry.json.error.code).toBe('INVALID_STATE')
    expect(wallets.wechat.refunds.size).toBe(1)
  })
})

describe('a payment code whose answer is lost', () => {
  it('is queried: when the wallet did charge, the cashier sees it paid, not an error', async () => {
    const { s, wallets } = await setup({ walletTimeoutMs: 500 })
    const order = (await s.api('POST', '/api/orders', { amountFen: 700 })).json
    wallets.wechat.faults.hangNext = '/v3/pay/transactions/codepay'
    const res = await s.api('POST', `/api/orders/${order.id}/payments`, {
      method: 'payment-code',
      authCode: '134567890123456781',
    })
    expect(res.status).toBe(201)
    expect(res.json).toMatchObject({ wallet: 'wechat', status: 'succeeded' })
    expect((await detail(order.id)).status).toBe('paid')
    expect(wallets.wechat.trades.size).toBe(1)
  })
})
