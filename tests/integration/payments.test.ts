import { SYSTEM_CALLER } from '../../src/engine'
import { afterEach, describe, expect, it } from 'vitest'
import type { CreatedPayment, Order, OrderDetail, PaymentOption } from '../../src/shared/api/types'
import type { WalletId } from '../../src/shared/wallets'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { createEngine, DATABASE_FILE } from '../../src/engine'
import { getSetting } from '../../src/engine/store/settings'
import { getAttemptRow } from '../../src/engine/payments/queries'
import { getOrderRow } from '../../src/engine/orders/queries'
import { START, testEngine } from '../support/engine'
import { customerPays, pageTokenOf } from '../support/simulator'
import { toTrade } from '../../src/engine/providers/simulator/context'
import type { TradeRow } from '../../src/engine/providers/simulator/types'

let t: ReturnType<typeof testEngine>
afterEach(async () => t?.dispose())

const newOrder = (amountFen = 700) => t.engine.invoke('orders.create', { amountFen }) as Promise<Order>
const pay = (id: string, wallet: Exclude<WalletId, 'cash'> = 'wechat') =>
  t.engine.invoke('payments.create', { id, wallet, method: 'qr' }) as Promise<CreatedPayment>
const detail = (id: string) => t.engine.invoke('orders.get', { id }) as Promise<OrderDetail>

describe('payment options', () => {
  it('offers the signed demo wallets and lists the others with a coded reason', async () => {
    t = testEngine()
    const order = await newOrder()
    const { options } = (await t.engine.invoke('orders.paymentOptions', { id: order.id })) as {
      options: PaymentOption[]
    }
    expect(options.map((o) => [o.wallet, o.available, o.reason])).toEqual([
      ['wechat', true, null],
      ['alipay', true, null],
      ['unionpay', true, null],
      ['cash', true, null],
      ['huabei', false, 'AMOUNT_BELOW_MIN'],
      ['jdpay', false, 'NOT_SIGNED'],
    ])
    await expect(pay(order.id, 'jdpay')).rejects.toMatchObject({ code: 'WALLET_UNAVAILABLE' })
    await expect(pay(order.id, 'ecny')).rejects.toMatchObject({ code: 'WALLET_UNAVAILABLE' })
  })
})

describe('QR payment through the simulator wallet', () => {
  it('shows a QR pointing at the wallet page and turns the order paid when the customer confirms', async () => {
    t = testEngine()
    const order = await newOrder(700)
    const payment = await pay(order.id)
    expect(payment).toMatchObject({ status: 'pending', wallet: 'wechat', amountFen: 700, orderId: order.id })
    expect(payment.qrContent).toMatch(/^http:\/\/127\.0\.0\.1:5999\/sim\/pay\/[A-Za-z0-9_-]{22}$/)
    expect(payment.qrSvg).toMatch(/^<svg/)
    expect(payment.expiresAt).toBe(new Date(START + 5 * 60_000).toISOString())
    expect((await detail(order.id)).status).toBe('awaiting_payment')

    t.clock.advance(2000)
    expect(await customerPays(t.engine, payment.qrContent)).toBe('paid')
    const paid = await detail(order.id)
    expect(paid).toMatchObject({ status: 'paid', paidWallet: 'wechat', paidAt: new Date(START + 2000).toISOString() })
    expect(paid.attempts[0]).toMatchObject({ status: 'succeeded', succeededAt: paid.paidAt })
    expect(paid.attempts[0]!.providerTradeNo).toBeTruthy()
    expect(paid.timeline.map((e) => e.type)).toEqual([
      'order.created',
      'order.awaiting_payment',
      'payment.created',
      'payment.pending',
      'payment.succeeded',
      'order.paid',
    ])
  })

  it('publishes live events after each change commits', async () => {
    t = testEngine()
    const seen: string[] = []
    t.engine.subscribe((event) => seen.push(event.type))
    const order = await newOrder()
    const payment = await pay(order.id, 'alipay')
    await customerPays(t.engine, payment.qrContent)
    expect(seen).toContain('order.paid')
    expect(seen.indexOf('order.paid')).toBe(seen.length - 1)
  })

  it('finds a payment whose notification never arrived by querying the wallet', async () => {
    t = testEngine({ simulator: { defaultOutcome: 'succeed_silently' } })
    const order = await newOrder()
    const payment = await pay(order.id)
    await customerPays(t.engine, payment.qrContent)
    expect((await detail(order.id)).status).toBe('awaiting_payment')
    await t.engine.sweep()
    expect((await detail(order.id)).status).toBe('paid')
  })

  it('a declined payment fails the attempt, closes it at the wallet and leaves the order payable', async () => {
    t = testEngine()
    const order = await newOrder()
    const payment = await pay(order.id)
    t.engine.simulator.setOutcome(payment.id, 'decline')
    expect(await customerPays(t.engine, payment.qrContent)).toBe('declined')
    const after = await detail(order.id)
    expect(after.status).toBe('open')
    expect(after.attempts[0]).toMatchObject({ status: 'failed', failureCode: 'DECLINED' })
    expect((await t.engine.simulator.query(payment.id)).state).toBe('CLOSED')
    const retry = await pay(order.id, 'alipay')
    await customerPays(t.engine, retry.qrContent)
    expect((await detail(order.id)).status).toBe('paid')
  })

  it('closes an expired QR at the wallet, so a late scan cannot pay it, and reopens the order', async () => {
    t = testEngine()
    const order = await newOrder()
    const payment = await pay(order.id)
    t.clock.advance(5 * 60_000)
    await t.engine.sweep()
    const after = await detail(order.id)
    expect(after.status).toBe('open')
    expect(after.attempts[0]).toMatchObject({ status: 'closed' })
    expect(t.engine.simulator.confirm(pageTokenOf(payment.qrContent))).toBe('closed')
    expect((await detail(order.id)).status).toBe('open')
  })

  it('with two QR codes live, the first payment wins and the other code is closed', async () => {
    t = testEngine()
    const order = await newOrder()
    const wechat = await pay(order.id, 'wechat')
    const alipay = await pay(order.id, 'alipay')
    await customerPays(t.engine, alipay.qrContent)
    const after = await detail(order.id)
    expect(after).toMatchObject({ status: 'paid', paidWallet: 'alipay' })
    expect(after.attempts.find((a) => a.id === wechat.id)?.status).toBe('closed')
    expect(t.engine.simulator.confirm(pageTokenOf(wechat.qrContent))).toBe('closed')
  })

  it('cancelling an order closes its QR at the wallet first', async () => {
    t = testEngine()
    const order = await newOrder()
    const payment = await pay(order.id)
    const cancelled = (await t.engine.invoke('orders.cancel', { id: order.id })) as Order
    expect(cancelled.status).toBe('cancelled')
    expect(t.engine.simulator.confirm(pageTokenOf(payment.qrContent))).toBe('closed')
  })

  it('closing a QR that was in fact paid records the payment instead (query before close)', async () => {
    t = testEngine({ simulator: { defaultOutcome: 'succeed_silently' } })
    const order = await newOrder()
    const payment = await pay(order.id)
    await customerPays(t.engine, payment.qrContent)
    const closed = (await t.engine.invoke('payments.close', { id: payment.id })) as { status: string }
    expect(closed.status).toBe('succeeded')
    expect((await detail(order.id)).status).toBe('paid')
  })

  it('a paid order cannot be cancelled or paid again', async () => {
    t = testEngine()
    const order = await newOrder()
    await customerPays(t.engine, (await pay(order.id)).qrContent)
    await expect(t.engine.invoke('orders.cancel', { id: order.id })).rejects.toMatchObject({ code: 'INVALID_STATE' })
    await expect(pay(order.id)).rejects.toMatchObject({ code: 'ORDER_NOT_PAYABLE' })
  })

  it('survives a restart with a QR outstanding: the payment made meanwhile is found', async () => {
    t = testEngine()
    const order = await newOrder()
    const payment = await pay(order.id)
    await t.engine.close()
    const reopened = createEngine({
      dataDir: t.dir,
      clock: t.clock,
      sweepIntervalMs: 0,
      publicBaseUrl: 'http://127.0.0.1:5999',
    })
    expect(reopened.simulator.confirm(pageTokenOf(payment.qrContent))).toBe('paid')
    await reopened.idle()
    await reopened.sweep()
    expect(((await reopened.invoke('orders.get', { id: order.id })) as OrderDetail).status).toBe('paid')
    t.engine = reopened
  })
})

describe('after a crash between paying an order and closing its other code', () => {
  it('the sweep closes the other code at its wallet, so nobody can pay it any more', async () => {
    t = testEngine()
    const order = await newOrder()
    const wechat = await pay(order.id, 'wechat')
    const alipay = await pay(order.id, 'alipay')
    await t.engine.close()
    // What a kill right after the payment's commit leaves: the order paid by WeChat, the Alipay code still live.
    const db = new Database(join(t.dir, DATABASE_FILE))
    const now = t.clock.now()
    db.prepare("UPDATE payment_attempts SET status = 'succeeded', succeeded_at = ?, updated_at = ? WHERE id = ?").run(
      now,
      now,
      wechat.id,
    )
    db.prepare(
      "UPDATE orders SET status = 'paid', paid_at = ?, paid_wallet = 'wechat', paid_attempt_id = ?, updated_at = ? WHERE id = ?",
    ).run(now, wechat.id, now, order.id)
    db.close()
    const reopened = createEngine({ dataDir: t.dir, clock: t.clock, sweepIntervalMs: 0 })
    t.engine = reopened
    await reopened.sweep()
    await reopened.idle()
    const after = await reopened.invoke('orders.get', { id: order.id })
    expect(after.attempts.find((a) => a.id === alipay.id)).toMatchObject({ status: 'closed' })
    expect(reopened.simulator.confirm(pageTokenOf(alipay.qrContent))).toBe('closed')
    expect(after.timeline).toContainEqual(
      expect.objectContaining({ type: 'payment.closed', attemptId: alipay.id, data: { reason: 'order_paid' } }),
    )
  })
})

describe('the attempt a payment answers with', () => {
  it('is the attempt as stored, for a plain QR code and for Huabei installments', async () => {
    t = testEngine()
    for (const [wallet, amountFen] of [
      ['wechat', 700],
      ['huabei', 30_000],
    ] as const) {
      const order = await newOrder(amountFen)
      const made = await t.engine.payments.createQrAttempt(
        getOrderRow(t.engine.db, order.id)!,
        wallet,
        wallet === 'huabei' ? { installments: 6 } : {},
      )
      expect(made).toEqual(storedAttempt(made.id))
    }
  })
})

/** What the simulated wallet's books hold for a trade, read past what it keeps in memory. */
const walletRow = (id: string) =>
  t.engine.simulator.db.prepare('SELECT * FROM sim_trades WHERE out_trade_no = ?').get(id) as TradeRow
const walletSees = (id: string) => {
  const row = walletRow(id)
  const { out_trade_no: outTradeNo, wallet, amount_fen: amountFen, description, state, expires_at: expiresAt } = row
  return { outTradeNo, wallet, amountFen, description, state, expiresAt, expired: false }
}
const walletReports = (id: string) => toTrade(walletRow(id), id)

/** The attempt's row as the books hold it, read past anything the engine keeps in memory. */
const storedAttempt = (id: string) =>
  t.engine.db.prepare('SELECT * FROM payment_attempts WHERE id = ?').get(id) as Record<string, unknown>

describe('what the engine keeps in memory of a payment', () => {
  it('is what the books hold after every step: made, shown, confirming, paid, failed and closed (and its order)', async () => {
    t = testEngine()
    const kept = (id: string) => Object.entries(getAttemptRow(t.engine.db, id)!)
    const holds = (id: string) => expect(kept(id)).toEqual(Object.entries(storedAttempt(id)))
    const orderHolds = (id: string) =>
      expect(Object.entries(getOrderRow(t.engine.db, id)!)).toEqual(
        Object.entries(t.engine.db.prepare('SELECT * FROM orders WHERE id = ?').get(id) as object),
      )
    const order = await newOrder()
    const paid = await pay(order.id, 'wechat')
    const other = await pay(order.id, 'alipay')
    holds(paid.id)
    holds(other.id)
    orderHolds(order.id)
    expect(t.engine.simulator.pageView(pageTokenOf(paid.qrContent))).toEqual(walletSees(paid.id))
    const code = await t.engine.invoke('payments.create', {
      id: (await newOrder(800)).id,
      method: 'payment-code',
      authCode: '134567890123450001',
    })
    holds(code.id)
    expect(getAttemptRow(t.engine.db, code.id)!.user_paying).toBe(1)
    await customerPays(t.engine, paid.qrContent)
    await t.engine.idle()
    holds(paid.id)
    holds(other.id)
    orderHolds(order.id)
    expect(getOrderRow(t.engine.db, order.id)!.status).toBe('paid')
    expect(t.engine.simulator.pageView(pageTokenOf(paid.qrContent))).toEqual(walletSees(paid.id))
    expect(await t.engine.simulator.query(paid.id)).toEqual(walletReports(paid.id))
    expect(getAttemptRow(t.engine.db, paid.id)!.status).toBe('succeeded')
    expect(getAttemptRow(t.engine.db, other.id)!.status).toBe('closed')
    const declined = await t.engine.invoke('payments.create', {
      id: (await newOrder(900)).id,
      method: 'payment-code',
      authCode: '134567890123450003',
    })
    expect(declined).toMatchObject({ status: 'failed', failureCode: 'DECLINED' })
    const failed = { id: declined.id }
    holds(failed.id)
  })
})

describe('what the wallet shows the customer', () => {
  it('the store and the goods: one line by name, several as "first 等N件", or the order description', async () => {
    t = testEngine()
    const store = ((await t.engine.invoke('store.get', {})) as { name: string }).name
    const described = async (input: unknown) => {
      const order = (await t.engine.invokeUntrusted('orders.create', input, SYSTEM_CALLER)) as Order
      const payment = await pay(order.id)
      return (
        t.engine.simulator.db.prepare('SELECT description FROM sim_trades WHERE out_trade_no = ?').get(payment.id) as {
          description: string
        }
      ).description
    }
    expect(await described({ lines: [{ sku: 'DRK-001', quantity: 2 }] })).toBe(`${store}-豆浆`)
    expect(
      await described({
        lines: [
          { sku: 'DRK-001', quantity: 1 },
          { sku: 'BRK-001', quantity: 1 },
          { sku: 'DLY-001', quantity: 1 },
        ],
      }),
    ).toBe(`${store}-豆浆 等3件`)
    expect(await described({ amountFen: 500, description: '散装水果' })).toBe(`${store}-散装水果`)
  })
})

describe('wallet notifications', () => {
  async function signedNotification(body: string, ageSeconds = 0, secretOverride?: string) {
    const { createHmac } = await import('node:crypto')
    const secret = secretOverride ?? getSetting(t.engine.db, 'simulator.notification_secret')!
    const timestamp = String(Math.floor(t.clock.now() / 1000) - ageSeconds)
    const nonce = 'n0nce'
    const signature = createHmac('sha256', secret).update(`${timestamp}\n${nonce}\n${body}\n`).digest('base64')
    return { headers: { 'x-sim-timestamp': timestamp, 'x-sim-nonce': nonce, 'x-sim-signature': signature }, body }
  }

  it('rejects a forged notification and changes nothing', async () => {
    t = testEngine()
    const order = await newOrder()
    const payment = await pay(order.id)
    const body = JSON.stringify({ resource: { out_trade_no: payment.id, trade_state: 'SUCCESS' } })
    const forged = await signedNotification(body, 0, 'not-the-secret')
    await expect(t.engine.acceptNotification('simulator', forged)).rejects.toMatchObject({
      code: 'NOTIFICATION_REJECTED',
    })
    const after = await detail(order.id)
    expect(after.status).toBe('awaiting_payment')
    expect(after.timeline.at(-1)?.type).toBe('payment.pending')
  })

  it('rejects a stale (replayed) notification', async () => {
    t = testEngine()
    const order = await newOrder()
    const payment = await pay(order.id)
    const body = JSON.stringify({ resource: { out_trade_no: payment.id } })
    await expect(t.engine.acceptNotification('simulator', await signedNotification(body, 600))).rejects.toMatchObject({
      code: 'NOTIFICATION_REJECTED',
    })
  })

  it('trusts the wallet, not the notification: a genuine notification for an unpaid trade pays nothing', async () => {
    t = testEngine()
    const order = await newOrder()
    const payment = await pay(order.id)
    const body = JSON.stringify({ resource: { out_trade_no: payment.id, trade_state: 'SUCCESS', amount_fen: 700 } })
    await t.engine.acceptNotification('simulator', await signedNotification(body))
    expect((await detail(order.id)).status).toBe('awaiting_payment')
  })

  it('processes a repeated notification exactly once', async () => {
    t = testEngine({ simulator: { defaultOutcome: 'succeed_silently' } })
    const order = await newOrder()
    const payment = await pay(order.id)
    await customerPays(t.engine, payment.qrContent)
    const body = JSON.stringify({ resource: { out_trade_no: payment.id } })
    await t.engine.acceptNotification('simulator', await signedNotification(body))
    await t.engine.acceptNotification('simulator', await signedNotification(body))
    const timeline = (await detail(order.id)).timeline.map((e) => e.type)
    expect(timeline.filter((type) => type === 'order.paid')).toHaveLength(1)
    expect(timeline.filter((type) => type === 'payment.succeeded')).toHaveLength(1)
  })

  it('rejects notifications for unknown payments and unknown providers', async () => {
    t = testEngine()
    const body = JSON.stringify({ resource: { out_trade_no: 'pay_unknown' } })
    await expect(t.engine.acceptNotification('simulator', await signedNotification(body))).rejects.toMatchObject({
      code: 'NOTIFICATION_REJECTED',
    })
    await expect(t.engine.acceptNotification('paypal', await signedNotification(body))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
  })
})

describe('simulator refunds (provider interface)', () => {
  it('refunds a paid trade at most up to what was paid, and a retried refund is not paid twice', async () => {
    t = testEngine()
    const order = await newOrder(700)
    const payment = await pay(order.id)
    await expect(
      t.engine.simulator.refund({
        outTradeNo: payment.id,
        outRefundNo: 'rfd_1',
        amountFen: 100,
        totalFen: 700,
        reason: 'x',
      }),
    ).rejects.toMatchObject({ code: 'PROVIDER_ERROR' })
    await customerPays(t.engine, payment.qrContent)
    const first = await t.engine.simulator.refund({
      outTradeNo: payment.id,
      outRefundNo: 'rfd_1',
      amountFen: 500,
      totalFen: 700,
      reason: 'x',
    })
    const retried = await t.engine.simulator.refund({
      outTradeNo: payment.id,
      outRefundNo: 'rfd_1',
      amountFen: 500,
      totalFen: 700,
      reason: 'x',
    })
    expect(first).toMatchObject({ state: 'SUCCESS', amountFen: 500 })
    expect(retried.providerRefundNo).toBe(first.providerRefundNo)
    await expect(
      t.engine.simulator.refund({
        outTradeNo: payment.id,
        outRefundNo: 'rfd_2',
        amountFen: 201,
        totalFen: 700,
        reason: 'x',
      }),
    ).rejects.toMatchObject({ code: 'AMOUNT_OUT_OF_RANGE' })
    expect(await t.engine.simulator.queryRefund('rfd_1')).toMatchObject({ state: 'SUCCESS', amountFen: 500 })
  })
})

describe('polling schedule', () => {
  it('starts fast and backs off, but an attempt past its deadline is always looked at', async () => {
    const { vi } = await import('vitest')
    t = testEngine({ paymentTtlMs: 3 * 60_000 })
    const order = await newOrder()
    await pay(order.id)
    const query = vi.spyOn(t.engine.simulator, 'query')
    const sweepAt = async (ms: number) => {
      t.clock.set(START + ms)
      await t.engine.sweep()
      return query.mock.calls.length
    }
    expect(await sweepAt(1000)).toBe(1)
    expect(await sweepAt(2000)).toBe(1) // 1 s later: not yet
    expect(await sweepAt(3000)).toBe(2) // every 2 s in the first 30 s
    expect(await sweepAt(40_000)).toBe(3)
    expect(await sweepAt(43_000)).toBe(3) // every 5 s after 30 s
    expect(await sweepAt(45_000)).toBe(4)
    expect(await sweepAt(130_000)).toBe(5)
    expect(await sweepAt(140_000)).toBe(5) // every 15 s after 2 minutes
    expect(await sweepAt(180_000)).toBeGreaterThan(5) // deadline: queried, then closed
    expect((await detail(order.id)).attempts[0]!.status).toBe('closed')
  })
})
