import { afterEach, describe, expect, it } from 'vitest'
import { customerPays } from '../support/simulator'
import { START, testEngine } from '../support/engine'

let t: ReturnType<typeof testEngine>
afterEach(async () => t?.dispose())

const HOUR = 3600_000
// START is 10:00 Beijing time on 2026-11-21; the business day starts at 04:00.
const DAY = '2026-11-21'

const sell = (amountFen: number) => t.engine.invoke('orders.create', { amountFen })
const list = (filter: Record<string, unknown> = {}) => t.engine.invoke('orders.list', { limit: 50, ...filter })

async function paidSale(amountFen: number) {
  const order = await sell(amountFen)
  const payment = await t.engine.invoke('payments.create', { id: order.id, wallet: 'wechat', qrSvg: false })
  await customerPays(t.engine, payment.qrContent)
  return t.engine.invoke('orders.get', { id: order.id })
}

describe('short order numbers per business day', () => {
  it('numbers orders 1, 2, 3 within a business day and starts again at 04:00 Beijing time', async () => {
    t = testEngine()
    const first = await sell(100)
    const second = await sell(200)
    expect([first.dayNumber, second.dayNumber]).toEqual([1, 2])
    expect(first.businessDay).toBe(DAY)

    t.clock.advance(17 * HOUR + 59 * 60_000) // 03:59 the next morning: still the same business day
    expect(await sell(300)).toMatchObject({ businessDay: DAY, dayNumber: 3 })
    t.clock.advance(60_000) // 04:00
    expect(await sell(400)).toMatchObject({ businessDay: '2026-11-22', dayNumber: 1 })
    expect((await t.engine.invoke('orders.get', { id: second.id })).dayNumber).toBe(2)
  })

  it('sends a sale made after the day was closed on to the next day', async () => {
    t = testEngine()
    await sell(100)
    t.clock.advance(12 * HOUR) // 22:00 Beijing time: the owner closes the day
    await t.engine.invoke('days.close', { day: DAY })
    t.clock.advance(HOUR)
    expect(await sell(500)).toMatchObject({ businessDay: '2026-11-22', dayNumber: 1 })
  })

  it('never gives two orders of a day the same number, even when made at once', async () => {
    t = testEngine()
    const orders = await Promise.all(Array.from({ length: 20 }, (_, i) => sell(100 + i)))
    expect(new Set(orders.map((o) => o.dayNumber)).size).toBe(20)
    expect(Math.max(...orders.map((o) => o.dayNumber))).toBe(20)
  })
})

describe('finding orders', () => {
  it('filters by business day and totals what the filter matches, not only the page', async () => {
    t = testEngine()
    const paid = await paidSale(1250)
    await paidSale(800)
    await sell(999) // unpaid
    await t.engine.invoke('refunds.create', { id: paid.id, amountFen: 250, reason: 'customer_return' })
    t.clock.advance(24 * HOUR)
    await paidSale(5000)

    const day = await list({ day: DAY, limit: 1 })
    expect(day.orders).toHaveLength(1)
    expect(day.totals).toEqual({ count: 3, paidCount: 2, paidFen: 2050, refundedFen: 250, netFen: 1800 })
    expect((await list({ day: '2026-11-22' })).totals).toMatchObject({ count: 1, paidFen: 5000 })
    expect((await list({ day: '2026-11-20' })).orders).toEqual([])
    expect((await list()).totals.count).toBe(4)
  })

  it('finds an order by #number, by a line name, by its id tail and by time', async () => {
    t = testEngine()
    await t.engine.invoke('orders.create', { lines: [{ sku: 'DRK-001', quantity: 1 }] })
    const eggs = await t.engine.invoke('orders.create', { lines: [{ sku: 'BRK-001', quantity: 2 }] })
    t.clock.advance(HOUR)
    const third = await sell(700)

    expect((await list({ day: DAY, q: '#2' })).orders.map((o) => o.id)).toEqual([eggs.id])
    expect((await list({ day: DAY, q: '0002' })).orders.map((o) => o.id)).toEqual([eggs.id])
    expect((await list({ q: '茶叶' })).orders.map((o) => o.id)).toEqual([eggs.id])
    expect((await list({ q: third.id.slice(-6) })).orders.map((o) => o.id)).toEqual([third.id])
    expect((await list({ q: '100%_' })).orders).toEqual([])
    const later = await list({ from: new Date(START + 30 * 60_000).toISOString() })
    expect(later.orders.map((o) => o.id)).toEqual([third.id])
    const earlier = await list({ to: new Date(START + 30 * 60_000).toISOString() })
    expect(earlier.totals.count).toBe(2)
  })

  it('says which orders were paid with simulated money and which a friend was asked to pay', async () => {
    t = testEngine()
    const paid = await paidSale(300)
    const friendOrder = await sell(400)
    await t.engine.invoke('friendPay.create', { id: friendOrder.id, requesterName: '王小明' })
    const open = await sell(500)
    const byId = new Map((await list()).orders.map((o) => [o.id, o]))
    expect(byId.get(paid.id)).toMatchObject({ mode: 'simulator', friendPay: false })
    expect(byId.get(friendOrder.id)).toMatchObject({ mode: null, friendPay: true })
    expect(byId.get(open.id)).toMatchObject({ mode: null, friendPay: false })
  })

  it('refuses a malformed filter with a coded error', async () => {
    t = testEngine()
    for (const filter of [{ day: '2026-13-01' }, { from: 'yesterday' }, { q: 'x'.repeat(65) }, { q: '' }]) {
      await expect(t.engine.invokeUntrusted('orders.list', filter, { system: true })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      })
    }
  })
})
