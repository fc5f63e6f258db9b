import { afterEach, describe, expect, it } from 'vitest'
import type { Order, OrderDetail, Refund } from '../../src/shared/api/types'
import { customerPays } from '../support/simulator'
import { configure } from '../support/routing'
import { testEngine } from '../support/engine'
import { testServer } from '../support/server'

let t: ReturnType<typeof testEngine>
afterEach(async () => t?.dispose())

const DAY = 24 * 3600_000
const THREE_LINES = {
  lines: [
    { sku: 'BRK-001', quantity: 2 },
    { sku: 'DRK-001', quantity: 3 },
    { sku: 'DLY-001', quantity: 1 },
  ],
}

async function paidOrder(input: object = THREE_LINES, wallet: 'wechat' | 'alipay' | 'huabei' = 'wechat') {
  const order = (await t.engine.invoke('orders.create', input as never)) as Order
  const payment = await t.engine.invoke('payments.create', { id: order.id, wallet, method: 'qr', qrSvg: false })
  expect(await customerPays(t.engine, payment.qrContent)).toBe('paid')
  return { order, payment }
}

const refund = (input: Record<string, unknown>) => t.engine.invoke('refunds.create', input as never)
const detail = (id: string) => t.engine.invoke('orders.get', { id }) as Promise<OrderDetail>
const simulatorRefunds = (outTradeNo: string) =>
  t.engine.simulator.db
    .prepare('SELECT out_refund_no, amount_fen FROM sim_refunds WHERE out_trade_no = ? ORDER BY created_at')
    .all(outTradeNo) as { out_refund_no: string; amount_fen: number }[]

describe('merchant refunds through the simulator wallet', () => {
  it('refunds by amount, by returned lines and the rest, until nothing is left; the wallet holds each', async () => {
    t = testEngine()
    const { order, payment } = await paidOrder()
    const [breakfast, drinks] = order.lines
    const byAmount = await refund({ id: order.id, amountFen: 100, reason: 'price_adjustment' })
    expect(byAmount).toMatchObject({
      orderId: order.id,
      paymentId: payment.id,
      wallet: 'wechat',
      kind: 'merchant',
      amountFen: 100,
      status: 'succeeded',
      reason: 'price_adjustment',
      lines: [],
      staffId: null,
    })
    let after = await detail(order.id)
    expect(after).toMatchObject({ status: 'partially_refunded', refundedFen: 100 })

    const byLines = await refund({
      id: order.id,
      lines: [{ lineId: drinks!.id, quantity: 2 }],
      reason: 'customer_return',
    })
    expect(byLines).toMatchObject({
      amountFen: drinks!.unitPriceFen * 2,
      lines: [{ lineId: drinks!.id, quantity: 2, amountFen: drinks!.unitPriceFen * 2 }],
    })
    // Two of three drinks are back: a third may come back, a second pair may not.
    await expect(
      refund({ id: order.id, lines: [{ lineId: drinks!.id, quantity: 2 }], reason: 'customer_return' }),
    ).rejects.toMatchObject({ code: 'REFUND_EXCEEDS_PAID', details: { lineId: drinks!.id, quantityLeft: 1 } })

    const rest = await refund({ id: order.id, reason: 'wrong_item' })
    const expectedRest = order.totalFen - 100 - drinks!.unitPriceFen * 2
    expect(rest).toMatchObject({ amountFen: expectedRest, status: 'succeeded' })
    after = await detail(order.id)
    expect(after).toMatchObject({ status: 'refunded', refundedFen: order.totalFen })
    expect(after.refunds.map((r) => r.amountFen)).toEqual([100, drinks!.unitPriceFen * 2, expectedRest])
    expect(after.timeline.filter((e) => e.type.startsWith('refund.')).map((e) => e.type)).toEqual([
      'refund.created',
      'refund.succeeded',
      'refund.created',
      'refund.succeeded',
      'refund.created',
      'refund.succeeded',
    ])
    expect(simulatorRefunds(payment.id)).toEqual([
      { out_refund_no: byAmount.id, amount_fen: 100 },
      { out_refund_no: byLines.id, amount_fen: drinks!.unitPriceFen * 2 },
      { out_refund_no: rest.id, amount_fen: expectedRest },
    ])

    await expect(refund({ id: order.id, amountFen: 1, reason: 'other', note: '多收' })).rejects.toMatchObject({
      code: 'REFUND_EXCEEDS_PAID',
      details: { refundableFen: 0 },
    })
    await expect(
      refund({ id: order.id, lines: [{ lineId: breakfast!.id, quantity: 1 }], reason: 'customer_return' }),
    ).rejects.toMatchObject({ code: 'REFUND_EXCEEDS_PAID' })
  })

  it('refuses more than is left, unpaid orders, unknown lines and orders, and a note-less "other"', async () => {
    t = testEngine()
    const { order } = await paidOrder({ amountFen: 1000 })
    await expect(refund({ id: order.id, amountFen: 1001, reason: 'duplicate' })).rejects.toMatchObject({
      code: 'REFUND_EXCEEDS_PAID',
      details: { refundableFen: 1000 },
    })
    await expect(refund({ id: order.id, reason: 'other' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    for (const amountFen of [0, -5, 1.5, 1e12, '100'])
      await expect(refund({ id: order.id, amountFen, reason: 'duplicate' })).rejects.toMatchObject({
        code: expect.stringMatching(/AMOUNT_OUT_OF_RANGE|VALIDATION_FAILED/),
      })
    await expect(refund({ id: order.id, reason: 'because' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    await expect(
      refund({ id: order.id, lines: [{ lineId: 'lin_nope', quantity: 1 }], reason: 'customer_return' }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    await expect(refund({ id: 'ord_nope', reason: 'duplicate' })).rejects.toMatchObject({ code: 'ORDER_NOT_FOUND' })
    const unpaid = (await t.engine.invoke('orders.create', { amountFen: 500 })) as Order
    await expect(refund({ id: unpaid.id, reason: 'duplicate' })).rejects.toMatchObject({
      code: 'ORDER_NOT_REFUNDABLE',
    })
    expect((await detail(order.id)).refunds).toEqual([])
    expect((await detail(unpaid.id)).refunds).toEqual([])
  })

  it('concurrent refund requests never give back more than the payment took', async () => {
    t = testEngine()
    const { order, payment } = await paidOrder({ amountFen: 1000 })
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => refund({ id: order.id, amountFen: 300, reason: 'duplicate' })),
    )
    const done = results.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<Refund>[]
    const refused = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[]
    expect(done).toHaveLength(3)
    expect(refused.map((r) => (r.reason as { code: string }).code)).toEqual(Array(5).fill('REFUND_EXCEEDS_PAID'))
    expect((await detail(order.id)).refundedFen).toBe(900)
    expect(simulatorRefunds(payment.id).reduce((sum, r) => sum + r.amount_fen, 0)).toBe(900)
  })

  it('the books themselves refuse refunds beyond the payment, whatever the code above does', async () => {
    t = testEngine()
    const { order, payment } = await paidOrder({ amountFen: 1000 })
    await refund({ id: order.id, amountFen: 600, reason: 'duplicate' })
    const insert = t.engine.db.prepare(
      `INSERT INTO refunds (id, order_id, attempt_id, wallet, kind, amount_fen, reason, status, created_at, updated_at)
       VALUES ('rfd_forced', ?, ?, 'wechat', 'merchant', 401, 'duplicate', 'pending', 0, 0)`,
    )
    expect(() => insert.run(order.id, payment.id)).toThrow(/refunds exceed the payment/)
    expect(() =>
      t.engine.db.prepare('UPDATE orders SET refunded_fen = total_fen + 1 WHERE id = ?').run(order.id),
    ).toThrow(/CHECK/)
  })

  it('a refund whose answer was lost is sent again under the same number and refunds once', async () => {
    t = testEngine()
    const { order, payment } = await paidOrder({ amountFen: 1000 })
    t.engine.simulator.loseNextRefundAnswer()
    const first = await refund({ id: order.id, amountFen: 400, reason: 'customer_return' })
    expect(first).toMatchObject({ status: 'pending', tries: 1, lastError: 'PROVIDER_ERROR' })
    expect((await detail(order.id)).status).toBe('paid')
    t.clock.advance(2000)
    await t.engine.sweep()
    await t.engine.idle()
    expect(await t.engine.invoke('refunds.get', { id: first.id })).toMatchObject({ status: 'succeeded', tries: 2 })
    expect(simulatorRefunds(payment.id)).toEqual([{ out_refund_no: first.id, amount_fen: 400 }])
    expect(await detail(order.id)).toMatchObject({ status: 'partially_refunded', refundedFen: 400 })
  })

  it('a refund the wallet is still processing reads processing, then succeeded once the wallet says so', async () => {
    t = testEngine()
    const { order } = await paidOrder({ amountFen: 1000 })
    t.engine.simulator.setFaults([{ kind: 'refund_processing', times: 1, delayMs: 0 }])
    const pending = await refund({ id: order.id, reason: 'duplicate' })
    expect(pending).toMatchObject({ status: 'processing', amountFen: 1000 })
    expect(pending.processingAt).not.toBeNull()
    expect((await detail(order.id)).status).toBe('paid')
    t.clock.advance(2000)
    await t.engine.sweep()
    await t.engine.idle()
    expect(await t.engine.invoke('refunds.get', { id: pending.id })).toMatchObject({ status: 'succeeded' })
    const after = await detail(order.id)
    expect(after).toMatchObject({ status: 'refunded', refundedFen: 1000 })
    expect(after.timeline.map((e) => e.type)).toContain('refund.processing')
  })

  it('Huabei refunds go back through Alipay, partial ones included', async () => {
    t = testEngine()
    const { order, payment } = await paidOrder({ amountFen: 50_000 }, 'huabei')
    expect(payment.wallet).toBe('huabei')
    expect(await refund({ id: order.id, amountFen: 10_000, reason: 'customer_return' })).toMatchObject({
      wallet: 'huabei',
      status: 'succeeded',
    })
    expect(simulatorRefunds(payment.id)).toHaveLength(1)
  })

  it('keeps to the wallet refund window, and to a shorter one the merchant sets', async () => {
    t = testEngine()
    const { order } = await paidOrder({ amountFen: 1000 })
    t.clock.advance(364 * DAY)
    await refund({ id: order.id, amountFen: 100, reason: 'duplicate' })
    t.clock.advance(DAY)
    await expect(refund({ id: order.id, amountFen: 100, reason: 'duplicate' })).rejects.toMatchObject({
      code: 'REFUND_WINDOW_CLOSED',
      details: { days: 365 },
    })
    // The merchant cannot stretch the wallet's year.
    await configure(t.engine, 'wechat', { refundWindowDays: 3000 })
    await expect(refund({ id: order.id, amountFen: 100, reason: 'duplicate' })).rejects.toMatchObject({
      code: 'REFUND_WINDOW_CLOSED',
    })

    const { order: recent } = await paidOrder({ amountFen: 1000 })
    await configure(t.engine, 'wechat', { refundWindowDays: 7 })
    t.clock.advance(6 * DAY)
    await refund({ id: recent.id, amountFen: 100, reason: 'duplicate' })
    t.clock.advance(DAY)
    await expect(refund({ id: recent.id, amountFen: 100, reason: 'duplicate' })).rejects.toMatchObject({
      code: 'REFUND_WINDOW_CLOSED',
      details: { days: 7 },
    })
  })

  it('cash is given back at once, with no wallet involved', async () => {
    t = testEngine()
    const order = (await t.engine.invoke('orders.create', { amountFen: 1730 })) as Order
    await t.engine.invoke('payments.create', { id: order.id, wallet: 'cash', tenderedFen: 2000 } as never)
    const back = await refund({ id: order.id, amountFen: 730, reason: 'customer_return' })
    expect(back).toMatchObject({ wallet: 'cash', status: 'succeeded', amountFen: 730, providerRefundNo: null })
    expect(await detail(order.id)).toMatchObject({ status: 'partially_refunded', refundedFen: 730 })
  })
})

describe('merchant refunds over HTTP', () => {
  it('POST /api/orders/{id}/refunds answers 201; GET /api/refunds filters by order, status and time', async () => {
    const s = await testServer()
    t = s
    const order = (await s.api('POST', '/api/orders', { amountFen: 2000 })).json as Order
    const payment = (await s.api('POST', `/api/orders/${order.id}/payments`, { wallet: 'alipay', qrSvg: false })).json
    await customerPays(s.engine, payment.qrContent)
    const created = await s.api('POST', `/api/orders/${order.id}/refunds`, { amountFen: 500, reason: 'wrong_item' })
    expect(created.status).toBe(201)
    expect(created.json).toMatchObject({ orderId: order.id, paymentId: payment.id, wallet: 'alipay', amountFen: 500 })
    const other = (await s.api('POST', '/api/orders', { amountFen: 900 })).json as Order

    expect((await s.api('GET', `/api/refunds/${created.json.id}`)).json).toMatchObject({ id: created.json.id })
    expect((await s.api('GET', '/api/refunds/rfd_nope')).status).toBe(404)
    const listed = async (query: string) =>
      ((await s.api('GET', `/api/refunds${query}`)).json.refunds as Refund[]).map((r) => r.id)
    expect(await listed(`?orderId=${order.id}`)).toEqual([created.json.id])
    expect(await listed(`?orderId=${other.id}`)).toEqual([])
    expect(await listed('?status=succeeded')).toEqual([created.json.id])
    expect(await listed('?status=failed')).toEqual([])
    expect(await listed('?from=2026-11-21&to=2026-11-21')).toEqual([created.json.id])
    expect(await listed('?from=2026-11-22')).toEqual([])
    expect(await listed('?to=2026-11-20')).toEqual([])
    expect((await s.api('GET', '/api/refunds?status=done')).json.error.code).toBe('VALIDATION_FAILED')
    expect((await s.api('GET', '/api/refunds?from=yesterday')).status).toBe(400)

    const unpaid = await s.api('POST', `/api/orders/${other.id}/refunds`, { reason: 'duplicate' })
    expect([unpaid.status, unpaid.json.error.code]).toEqual([409, 'ORDER_NOT_REFUNDABLE'])
    const tooMuch = await s.api('POST', `/api/orders/${order.id}/refunds`, { amountFen: 1501, reason: 'duplicate' })
    expect([tooMuch.status, tooMuch.json.error.code]).toEqual([422, 'REFUND_EXCEEDS_PAID'])
    const malformed = await s.api('POST', `/api/orders/${order.id}/refunds`, '{"reason":')
    expect(malformed.json.error.code).toBe('MALFORMED_JSON')
    const longNote = await s.api('POST', `/api/orders/${order.id}/refunds`, { reason: 'other', note: 'x'.repeat(201) })
    expect(longNote.status).toBe(400)
    expect((await s.api('GET', `/api/orders?status=partially_refunded`)).json.orders.map((o: Order) => o.id)).toEqual([
      order.id,
    ])
    expect((await s.api('GET', `/api/orders/${order.id}`)).json).toMatchObject({
      status: 'partially_refunded',
      refundedFen: 500,
    })
  })
})

describe('a friend-paid order', () => {
  it("is refunded to the friend's payment", async () => {
    const s = await testServer()
    t = s
    const order = (await s.api('POST', '/api/orders', { amountFen: 3600 })).json as Order
    const request = (await s.api('POST', `/api/orders/${order.id}/friend-pay`, { requesterName: '王小明' })).json
    const form = (fields: Record<string, string>) => ({
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'MicroMessenger/8.0' },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual' as const,
    })
    const chosen = await fetch(new URL(`${new URL(request.url).pathname}/pay`, s.base), form({ wallet: 'wechat' }))
    const pagePath = chosen.headers.get('location')!
    await fetch(new URL(`${pagePath}/confirm`, s.base), form({}))
    await s.engine.idle()
    const paid = (await s.api('GET', `/api/orders/${order.id}`)).json as OrderDetail
    const friendPayment = paid.attempts.find((a) => a.friendPayId === request.id)!
    expect(paid.status).toBe('paid')
    expect(friendPayment.status).toBe('succeeded')

    const back = (
      await s.api('POST', `/api/orders/${order.id}/refunds`, { amountFen: 1600, reason: 'customer_return' })
    ).json as Refund
    expect(back).toMatchObject({ paymentId: friendPayment.id, wallet: 'wechat', status: 'succeeded' })
    expect(simulatorRefunds(friendPayment.id)).toEqual([{ out_refund_no: back.id, amount_fen: 1600 }])
  })
})
