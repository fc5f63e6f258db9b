import { SYSTEM_CALLER } from '../../src/engine'
import BetterSqlite3 from 'better-sqlite3'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DATABASE_FILE } from '../../src/engine'
import type { CreatedPayment, EngineEvent, Order } from '../../src/shared/api/types'
import { poisonOpenGroup, testEngine } from '../support/engine'
import { testServer } from '../support/server'
import { insertAutomaticRefund } from '../../src/engine/payments/refundQueries'

let t: ReturnType<typeof testEngine>
let reader: BetterSqlite3.Database | null = null
afterEach(async () => {
  reader?.close()
  reader = null
  await t?.dispose()
})

const create = (input: unknown) => t.engine.invokeUntrusted('orders.create', input, SYSTEM_CALLER) as Promise<Order>

/** A second connection to the same file sees only what has been committed. */
function committedOrders(): string[] {
  reader ??= new BetterSqlite3(join(t.dir, DATABASE_FILE), { readonly: true })
  return (reader.prepare('SELECT id FROM orders ORDER BY id').all() as { id: string }[]).map((r) => r.id)
}

const poisonTheOpenGroup = () => poisonOpenGroup(t.engine)

describe('group commit: checkouts running at the same time share one disk flush', () => {
  it('answers only once the change is on disk', async () => {
    t = testEngine()
    const order = await create({ amountFen: 1234 })
    expect(committedOrders()).toContain(order.id)
  })

  it('commits operations started together in one group, all of them durable when answered', async () => {
    t = testEngine()
    const before = committedOrders().length
    const commitsBefore = t.engine.events.stats().committed
    const orders = await Promise.all(Array.from({ length: 20 }, (_, i) => create({ amountFen: 100 + i })))
    expect(t.engine.events.stats().committed - commitsBefore).toBe(1)
    const committed = committedOrders()
    expect(committed.length).toBe(before + 20)
    for (const order of orders) expect(committed).toContain(order.id)
  })

  it('a failing operation in a group is undone alone; the others are saved', async () => {
    t = testEngine()
    const results = await Promise.allSettled([
      create({ amountFen: 500 }),
      create({ lines: [{ sku: 'NO-SUCH-SKU', quantity: 1 }] }),
      create({ amountFen: 700 }),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'PRODUCT_NOT_FOUND' })
    const committed = committedOrders()
    for (const r of [results[0], results[2]]) expect(committed).toContain((r as PromiseFulfilledResult<Order>).value.id)
  })

  it('publishes events only after their commit', async () => {
    t = testEngine()
    const seenOnDisk: boolean[] = []
    t.engine.subscribe((event: EngineEvent) => {
      if (event.type !== 'order.created') return
      seenOnDisk.push(committedOrders().includes(event.orderId!))
    })
    await Promise.all([create({ amountFen: 100 }), create({ amountFen: 200 }), create({ amountFen: 300 })])
    expect(seenOnDisk).toEqual([true, true, true])
  })

  it('numbers a group’s events in the order they happened, as published, on disk and replayed; a failed unit’s are gone', async () => {
    t = testEngine()
    const published: EngineEvent[] = []
    t.engine.subscribe((event) => published.push(event))
    const before = t.engine.events.latestSeq()
    const results = await Promise.allSettled([
      create({ amountFen: 100 }),
      create({ lines: [{ sku: 'NO-SUCH-SKU', quantity: 1 }] }),
      create({ amountFen: 300 }),
    ])
    const ids = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.id] : []))
    expect(ids).toHaveLength(2)
    expect(published.map((e) => [e.seq, e.orderId])).toEqual([
      [before + 1, ids[0]],
      [before + 2, ids[1]],
    ])
    expect(t.engine.events.latestSeq()).toBe(before + 2)
    reader ??= new BetterSqlite3(join(t.dir, DATABASE_FILE), { readonly: true })
    const onDisk = reader.prepare('SELECT seq, type, order_id FROM events WHERE seq > ? ORDER BY seq').all(before)
    expect(onDisk).toEqual(published.map((e) => ({ seq: e.seq, type: e.type, order_id: e.orderId })))
    expect(t.engine.events.since(before, 10)).toEqual(published)
  })

  it('an order’s timeline read while its group is still open already shows what the group did to it', async () => {
    t = testEngine()
    const order = await create({ amountFen: 100 })
    const published: EngineEvent[] = []
    t.engine.subscribe((event) => published.push(event))
    await t.engine.orders.cancel(order.id)
    // Read in the same turn: the cancellation's group has not committed yet.
    reader ??= new BetterSqlite3(join(t.dir, DATABASE_FILE), { readonly: true })
    const onDisk = () => reader!.prepare('SELECT status FROM orders WHERE id = ?').get(order.id)
    expect(onDisk()).toEqual({ status: 'open' })
    const detail = t.engine.orders.get(order.id)
    expect(detail.status).toBe('cancelled')
    expect(detail.timeline.map((e) => e.type)).toEqual(['order.created', 'order.cancelled'])
    await t.engine.events.durable()
    expect(onDisk()).toEqual({ status: 'cancelled' })
    expect(published.map((e) => e.type)).toEqual(['order.cancelled'])
    expect(published[0]!.seq).toBe(detail.timeline[1]!.seq)
    expect(t.engine.events.forOrder(order.id)).toEqual(detail.timeline)
  })

  it('a commit that fails loses the whole group: every operation in it is told, nothing is saved or published', async () => {
    t = testEngine()
    const published: string[] = []
    t.engine.subscribe((event) => published.push(event.type))
    const before = committedOrders()
    const pending = [create({ amountFen: 100 }), create({ amountFen: 200 })]
    poisonTheOpenGroup()
    const results = await Promise.allSettled(pending)
    for (const r of results) {
      expect(r.status).toBe('rejected')
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'STORAGE_FAILED' })
    }
    expect(committedOrders()).toEqual(before)
    expect(published).toEqual([])
    // The engine carries on: the next operation opens a new group and is saved.
    const next = await create({ amountFen: 300 })
    expect(committedOrders()).toContain(next.id)
  })

  it('a payment code is never sent to the wallet unless its attempt is on disk', async () => {
    t = testEngine()
    const order = await create({ amountFen: 880 })
    const paying = t.engine.invoke('payments.create', {
      id: order.id,
      method: 'payment-code',
      authCode: '134567890123456789',
    })
    poisonTheOpenGroup()
    await expect(paying).rejects.toMatchObject({ code: 'STORAGE_FAILED' })
    const charged = t.engine.simulator.db.prepare('SELECT COUNT(*) AS n FROM sim_trades').get() as { n: number }
    expect(charged.n).toBe(0)
    // The order is still payable, and a second scan goes through.
    const paid = (await t.engine.invoke('payments.create', {
      id: order.id,
      method: 'payment-code',
      authCode: '134567890123456789',
    })) as CreatedPayment
    expect(paid.status).toBe('succeeded')
  })

  it('a configuration change lost with its group leaves no trace in what routing reads', async () => {
    t = testEngine()
    const wechatOffered = async () => {
      const order = await create({ amountFen: 500 })
      const { options } = (await t.engine.invoke('orders.paymentOptions', { id: order.id })) as {
        options: { wallet: string; available: boolean }[]
      }
      return options.find((o) => o.wallet === 'wechat')!.available
    }
    const wechat = (await t.engine.invoke('wallets.list', {})).wallets.find((w) => w.wallet === 'wechat')!
    expect(await wechatOffered()).toBe(true)
    const changing = t.engine.invoke('wallets.update', { ...wechat, maxFen: 100 })
    poisonTheOpenGroup()
    await Promise.resolve()
    // Someone reads the configuration while the change is still waiting for its commit.
    const readMeanwhile = t.engine.invoke('wallets.list', {})
    await expect(changing).rejects.toMatchObject({ code: 'STORAGE_FAILED' })
    await expect(readMeanwhile).rejects.toMatchObject({ code: 'STORAGE_FAILED' })
    const after = (await t.engine.invoke('wallets.list', {})).wallets.find((w) => w.wallet === 'wechat')!
    expect(after.maxFen).toBe(wechat.maxFen)
    expect(await wechatOffered()).toBe(true)
  })

  it('phone pages answer only once what they wrote is on disk: a lost commit is an error page, not a redirect', async () => {
    const s = await testServer()
    t = s
    const order = await s.api('POST', '/api/orders', { amountFen: 1500 })
    const code = await s.api('POST', `/api/orders/${order.json.id}/payments`, { method: 'aggregate' })
    // The disk fails while the phone's WeChat payment is being made.
    const createQr = s.engine.simulator.createQr.bind(s.engine.simulator)
    s.engine.simulator.createQr = async (request) => {
      const made = await createQr(request)
      poisonTheOpenGroup()
      return made
    }
    const landing = await fetch(code.json.qrContent, {
      headers: { 'User-Agent': 'Mozilla/5.0 (iPhone) MicroMessenger/8.0.49', 'Accept-Language': 'zh-CN' },
      redirect: 'manual',
    })
    expect(landing.status).toBe(503)
    expect(landing.headers.get('location')).toBeNull()
    expect(await landing.text()).toContain('<html')
  })

  it('the simulator hands out a QR code only once its own books hold the trade', async () => {
    t = testEngine()
    const order = await create({ amountFen: 1200 })
    t.engine.simulator.failNextCommit()
    await expect(t.engine.invoke('payments.create', { id: order.id, wallet: 'wechat' })).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
    })
    expect(t.engine.simulator.db.prepare('SELECT COUNT(*) AS n FROM sim_trades').get()).toEqual({ n: 0 })
    const attempts = t.engine.db.prepare('SELECT status FROM payment_attempts WHERE order_id = ?').all(order.id)
    expect(attempts).toEqual([{ status: 'failed' }])
    // The next code is made and paid as usual.
    const payment = await t.engine.invoke('payments.create', { id: order.id, wallet: 'wechat' })
    expect(t.engine.simulator.confirm(new URL(payment.qrContent!).pathname.split('/').pop()!)).toBe('paid')
  })

  it('the simulator’s page says “paid” only once its books hold the payment', async () => {
    const s = await testServer()
    t = s
    const order = await s.api('POST', '/api/orders', { amountFen: 900 })
    const payment = await s.api('POST', `/api/orders/${order.json.id}/payments`, { wallet: 'wechat' })
    const page = new URL(payment.json.qrContent)
    // The wallet's disk fails just as the customer's payment is being written.
    const confirm = s.engine.simulator.confirm.bind(s.engine.simulator)
    s.engine.simulator.confirm = (token) => {
      const result = confirm(token)
      s.engine.simulator.failNextCommit()
      return result
    }
    const confirmed = await fetch(`${page.href}/confirm`, { method: 'POST', redirect: 'manual' })
    expect(confirmed.status).toBe(503)
    expect(confirmed.headers.get('location')).toBeNull()
    const trade = s.engine.simulator.db.prepare('SELECT state FROM sim_trades').get()
    expect(trade).toEqual({ state: 'NOTPAY' })
    expect((await s.api('GET', `/api/orders/${order.json.id}`)).json.status).toBe('awaiting_payment')
  })

  it('a refund whose record was lost with its group is never sent to the wallet', async () => {
    t = testEngine()
    const paidByCode = async () => {
      const order = await create({ amountFen: 1000 })
      const payment = (await t.engine.invoke('payments.create', {
        id: order.id,
        method: 'payment-code',
        authCode: '134567890123456789',
      })) as CreatedPayment
      return { orderId: order.id, attemptId: payment.id }
    }
    const queueRefund = (paid: { orderId: string; attemptId: string }, id: string) =>
      t.engine.events.unitOfWork(() =>
        insertAutomaticRefund(
          t.engine.db,
          {
            id,
            orderId: paid.orderId,
            attemptId: paid.attemptId,
            wallet: 'wechat',
            amountFen: 1000,
            reason: 'late_payment',
          },
          t.clock.now(),
        ),
      )
    const first = await paidByCode()
    const second = await paidByCode()
    queueRefund(first, 'rfd_kept')
    await t.engine.events.durable()
    queueRefund(second, 'rfd_lost')
    const sending = t.engine.payments.processRefunds()
    poisonTheOpenGroup()
    await sending
    await t.engine.idle()
    const sentToWallet = t.engine.simulator.db.prepare('SELECT out_refund_no FROM sim_refunds').all()
    expect(sentToWallet).not.toContainEqual({ out_refund_no: 'rfd_lost' })
    expect(t.engine.db.prepare("SELECT id FROM refunds WHERE id = 'rfd_lost'").all()).toEqual([])
    // The refund that is on disk still goes out on the next round.
    await t.engine.payments.processRefunds()
    expect(t.engine.simulator.db.prepare('SELECT out_refund_no FROM sim_refunds').all()).toEqual([
      { out_refund_no: 'rfd_kept' },
    ])
  })

  it('a reconnecting event stream is replayed committed events only; a lost group leaves no phantom behind', async () => {
    t = testEngine()
    const before = t.engine.events.latestSeq()
    const creating = create({ amountFen: 4242 })
    expect(t.engine.events.since(before, 10)).toEqual([])
    poisonTheOpenGroup()
    await expect(creating).rejects.toMatchObject({ code: 'STORAGE_FAILED' })
    expect(t.engine.events.since(before, 10)).toEqual([])
    const kept = await create({ amountFen: 1 })
    const replayed = t.engine.events.since(before, 10)
    expect(replayed.map((e) => [e.type, e.orderId])).toEqual([['order.created', kept.id]])
    expect(t.engine.events.latestSeq()).toBe(replayed[0]!.seq)
  })

  it('a payment code whose answer could not be saved is reported as an unknown outcome, never as "nothing happened"', async () => {
    t = testEngine()
    const order = await create({ amountFen: 1000 })
    const payWithCode = t.engine.simulator.payWithCode.bind(t.engine.simulator)
    t.engine.simulator.payWithCode = async (request) => {
      const trade = await payWithCode(request)
      // The disk fails just as the wallet's answer is being recorded.
      queueMicrotask(() => queueMicrotask(poisonTheOpenGroup))
      return trade
    }
    const paying = t.engine.invoke('payments.create', {
      id: order.id,
      method: 'payment-code',
      authCode: '134567890123456789',
    })
    await expect(paying).rejects.toMatchObject({ code: 'PAYMENT_OUTCOME_UNKNOWN' })
    const charged = t.engine.simulator.db.prepare('SELECT state FROM sim_trades').all()
    expect(charged).toEqual([{ state: 'SUCCESS' }])
    // The attempt itself was on disk before the code was sent: the sweep finds the charge and the order is paid.
    t.clock.advance(61_000)
    await t.engine.sweep()
    await t.engine.idle()
    expect(((await t.engine.invoke('orders.get', { id: order.id })) as Order).status).toBe('paid')
  })
})

describe('shutdown', () => {
  it('waits for a phone payment under way at the wallet, then refuses new work; everything answered is on disk', async () => {
    t = testEngine()
    const order = await create({ amountFen: 1500 })
    const code = (await t.engine.invoke('payments.create', { id: order.id, method: 'aggregate' })) as CreatedPayment
    const token = new URL(code.qrContent!).pathname.split('/').pop()!
    // The wallet takes its time to make the code.
    const createQr = t.engine.simulator.createQr.bind(t.engine.simulator)
    t.engine.simulator.createQr = async (request) => {
      await new Promise((resolve) => setTimeout(resolve, 100))
      return createQr(request)
    }
    const landing = t.engine.aggregate.land(token, 'Mozilla/5.0 (iPhone) MicroMessenger/8.0.49')
    const closing = t.engine.close()
    await expect(t.engine.invoke('orders.create', { amountFen: 1 })).rejects.toMatchObject({ code: 'INTERNAL' })
    await expect(landing).resolves.toMatchObject({ kind: 'redirect', wallet: 'wechat' })
    await closing
    reader = new BetterSqlite3(join(t.dir, DATABASE_FILE), { readonly: true })
    const attempts = reader
      .prepare("SELECT wallet, status FROM payment_attempts WHERE order_id = ? AND method = 'qr'")
      .all(order.id)
    expect(attempts).toEqual([{ wallet: 'wechat', status: 'pending' }])
  })
})
