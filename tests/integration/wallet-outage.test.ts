import { afterEach, describe, expect, it } from 'vitest'
import type { CreatedPayment, OrderDetail } from '../../src/shared/api/types'
import { UNREACHABLE_GRACE_MS } from '../../src/engine/payments/unreachable'
import { realWalletEngineOptions, startLocalWallets, useSandbox } from '../support/realWallets'
import { testServer } from '../support/server'

let s: Awaited<ReturnType<typeof testServer>> | undefined
let wallets: Awaited<ReturnType<typeof startLocalWallets>> | undefined
let removeKeyDir: (() => void) | undefined

afterEach(async () => {
  if (wallets) wallets.alipay.faults.dropAnswers = false
  await s?.dispose()
  await wallets?.close()
  removeKeyDir?.()
  s = wallets = removeKeyDir = undefined
})

/** WeChat Pay and Alipay sandboxes on local protocol servers; a wallet call gives up after 1.5 s. */
async function setup() {
  const real = realWalletEngineOptions()
  removeKeyDir = real.removeKeyDir
  wallets = await startLocalWallets()
  s = await testServer({ ...real.options, walletTimeoutMs: 1500 })
  await s.api('POST', '/api/wallets/wechat/credentials', wallets.wechatCredentials)
  await s.api('POST', '/api/wallets/alipay/credentials', wallets.alipayCredentials)
  await useSandbox(s.engine, 'wechat')
  await useSandbox(s.engine, 'alipay')
  return { s, wallets, clock: real.clock }
}

async function qr(wallet: string): Promise<{ orderId: string; payment: CreatedPayment }> {
  const order = (await s!.api('POST', '/api/orders', { amountFen: 1000 })).json
  const payment = (await s!.api('POST', `/api/orders/${order.id}/payments`, { wallet })).json as CreatedPayment
  expect(payment.status).toBe('pending')
  return { orderId: order.id, payment }
}

const detail = async (id: string) => (await s!.api('GET', `/api/orders/${id}`)).json as OrderDetail

async function msUntil(condition: () => Promise<boolean>, limitMs: number): Promise<number> {
  const start = Date.now()
  while (!(await condition())) {
    if (Date.now() - start > limitMs) return Infinity
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  return Date.now() - start
}

describe('one wallet down does not hold up the others', () => {
  it('a silent WeChat payment is found at once while every Alipay query hangs', async () => {
    const { s, wallets } = await setup()
    // Alipay's codes come first in the sweep's order (earlier deadlines).
    for (let i = 0; i < 3; i++) await qr('alipay')
    const wechat = await qr('wechat')
    wallets.alipay.faults.dropAnswers = true
    wallets.wechat.customerPays(wechat.payment.id)

    const sweeping = s.engine.sweep()
    const found = await msUntil(async () => (await detail(wechat.orderId)).status === 'paid', 10_000)
    await sweeping
    expect(found).toBeLessThan(1000)
  })

  it('a channel that keeps failing is left alone for a while: the next sweeps do not wait for it', async () => {
    const { s, wallets } = await setup()
    for (let i = 0; i < 3; i++) await qr('alipay')
    wallets.alipay.faults.dropAnswers = true
    await s.engine.sweep()
    const start = Date.now()
    await s.engine.sweep()
    expect(Date.now() - start).toBeLessThan(500)
  })

  it('a payment code scanned during an outage ends here, and is settled once the wallet is back', async () => {
    const { s, wallets, clock } = await setup()
    const order = (await s.api('POST', '/api/orders', { amountFen: 2500 })).json
    wallets.alipay.faults.dropAnswers = true
    // The wallet charges the customer, but its answer never arrives.
    const scanned = await s.api('POST', `/api/orders/${order.id}/payments`, {
      method: 'payment-code',
      authCode: '281234567890123456',
    })
    expect(scanned.status).toBeGreaterThanOrEqual(500)
    const attemptId = (await detail(order.id)).attempts[0]!.id

    clock.jump(60_000 + UNREACHABLE_GRACE_MS + 1000)
    await s.engine.sweep()
    await s.engine.sweep()
    const ended = await detail(order.id)
    expect(ended.attempts[0]).toMatchObject({ id: attemptId, status: 'closed' })
    expect(ended.status).toBe('open')

    // The cashier takes cash instead; later the wallet answers again and says it was paid: that money goes back.
    const cash = await s.api('POST', `/api/orders/${order.id}/payments`, { wallet: 'cash', tenderedFen: 2500 })
    expect(cash.json.status).toBe('succeeded')
    wallets.alipay.faults.dropAnswers = false
    clock.jump(31_000)
    await s.engine.sweep()
    await s.engine.idle()
    await s.engine.sweep()

    const settled = await detail(order.id)
    expect(settled.status).toBe('paid')
    expect(settled.paidWallet).toBe('cash')
    const refunds = s.engine.db.prepare('SELECT attempt_id, amount_fen, status FROM refunds').all()
    expect(refunds).toEqual([{ attempt_id: attemptId, amount_fen: 2500, status: 'succeeded' }])
    expect(s.engine.db.prepare('SELECT COUNT(*) AS n FROM unreachable_endings').get()).toEqual({ n: 0 })
    const unfinished = s.engine.db.prepare(
      "SELECT COUNT(*) AS n FROM payment_attempts WHERE status IN ('created', 'pending')",
    )
    expect(unfinished.get()).toEqual({ n: 0 })
  })
})
