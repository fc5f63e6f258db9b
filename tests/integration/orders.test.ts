import { SYSTEM_CALLER } from '../../src/engine'
import { afterEach, describe, expect, it } from 'vitest'
import type { Order, OrderDetail } from '../../src/shared/api/types'
import { getOrderRow, linesInBrief, transitionOrder } from '../../src/engine/orders/queries'
import { poisonOpenGroup, START, testEngine } from '../support/engine'

let t: ReturnType<typeof testEngine>
afterEach(async () => t?.dispose())

const create = (input: unknown) => t.engine.invokeUntrusted('orders.create', input, SYSTEM_CALLER) as Promise<Order>
const get = (id: string) => t.engine.invoke('orders.get', { id }) as Promise<OrderDetail>

describe('orders', () => {
  it('builds lines from the catalog and totals them in fen', async () => {
    t = testEngine()
    const order = await create({
      lines: [
        { sku: 'BRK-001', quantity: 2 },
        { sku: 'DRK-001', quantity: 1 },
      ],
      customerRef: 'C-1',
    })
    expect(order.status).toBe('open')
    expect(order.lines.map((l) => [l.name, l.quantity, l.amountFen])).toEqual([
      ['茶叶蛋', 2, 300],
      ['豆浆', 1, 400],
    ])
    expect(order.totalFen).toBe(700)
    expect(order.customerRef).toBe('C-1')
    expect(order.id).toMatch(/^ord_/)
    expect(order.createdAt).toBe(new Date(START).toISOString())
  })

  it('answers a new order exactly as reading it back does', async () => {
    t = testEngine()
    for (const input of [
      { lines: [{ sku: 'BRK-001', quantity: 2 }], customerRef: 'C-9', context: 'online' },
      { amountFen: 99, description: '找零' },
    ]) {
      const created = await create(input)
      const { attempts: _a, refunds: _r, timeline: _t, refundableFen: _left, ...readBack } = await get(created.id)
      expect(created).toEqual(readBack)
    }
  })

  it('finds a product added after an order asked for its SKU in vain', async () => {
    t = testEngine()
    await expect(create({ lines: [{ sku: 'NEW-001', quantity: 1 }] })).rejects.toMatchObject({
      code: 'PRODUCT_NOT_FOUND',
    })
    await t.engine.invoke('products.create', { name: '新品', sku: 'NEW-001', priceFen: 990, category: '零食' })
    const order = await create({ lines: [{ sku: 'NEW-001', quantity: 2 }] })
    expect(order.totalFen).toBe(1980)
  })

  it('creates a keyed-amount order without lines', async () => {
    t = testEngine()
    const order = await create({ amountFen: 1288, description: '散装水果' })
    expect(order).toMatchObject({ totalFen: 1288, lines: [], description: '散装水果', status: 'open' })
  })

  it('refuses unknown SKUs and changes nothing', async () => {
    t = testEngine()
    await expect(create({ lines: [{ sku: 'NOPE', quantity: 1 }] })).rejects.toMatchObject({ code: 'PRODUCT_NOT_FOUND' })
    expect(((await t.engine.invoke('orders.list', {})) as { orders: Order[] }).orders).toHaveLength(0)
  })

  it('refuses a total beyond the maximum even when each line is valid', async () => {
    t = testEngine()
    await t.engine.invoke('products.create', { name: '金条', sku: 'GOLD', priceFen: 90_000_000 })
    await expect(create({ lines: [{ sku: 'GOLD', quantity: 2 }] })).rejects.toMatchObject({
      code: 'AMOUNT_OUT_OF_RANGE',
    })
  })

  it('answers ORDER_NOT_FOUND for unknown ids', async () => {
    t = testEngine()
    await expect(get('ord_doesnotexist')).rejects.toMatchObject({ code: 'ORDER_NOT_FOUND' })
    await expect(t.engine.invoke('orders.cancel', { id: 'ord_x' })).rejects.toMatchObject({ code: 'ORDER_NOT_FOUND' })
  })

  it('cancels an open order once, with a timestamp, and records it on the timeline', async () => {
    t = testEngine()
    const order = await create({ amountFen: 500 })
    t.clock.advance(1000)
    const cancelled = (await t.engine.invoke('orders.cancel', { id: order.id })) as Order
    expect(cancelled.status).toBe('cancelled')
    expect(cancelled.cancelledAt).toBe(new Date(START + 1000).toISOString())
    // Cancelling again is harmless; paying is not possible any more.
    expect(((await t.engine.invoke('orders.cancel', { id: order.id })) as Order).status).toBe('cancelled')
    await expect(t.engine.invoke('payments.create', { id: order.id, wallet: 'wechat' })).rejects.toMatchObject({
      code: 'ORDER_NOT_PAYABLE',
    })
    expect((await get(order.id)).timeline.map((e) => e.type)).toEqual(['order.created', 'order.cancelled'])
  })

  it('expires unpaid orders past their deadline when the sweep runs', async () => {
    t = testEngine({ orderTtlMs: 60_000 })
    const order = await create({ amountFen: 500 })
    await t.engine.sweep()
    expect((await get(order.id)).status).toBe('open')
    t.clock.advance(60_000)
    await t.engine.sweep()
    const expired = await get(order.id)
    expect(expired.status).toBe('expired')
    expect(expired.expiredAt).toBe(new Date(START + 60_000).toISOString())
    await expect(t.engine.invoke('orders.cancel', { id: order.id })).rejects.toMatchObject({ code: 'INVALID_STATE' })
  })

  it('transitions are compare-and-set: the second of two writers from the same state loses', async () => {
    t = testEngine()
    const order = await create({ amountFen: 500 })
    expect(transitionOrder(t.engine.db, order.id, 'open', 'cancelled', START)).toBe(true)
    expect(transitionOrder(t.engine.db, order.id, 'open', 'expired', START)).toBe(false)
    expect((await get(order.id)).status).toBe('cancelled')
  })

  it('lists orders newest first and filters by status', async () => {
    t = testEngine()
    const a = await create({ amountFen: 100 })
    t.clock.advance(10)
    const b = await create({ amountFen: 200 })
    await t.engine.invoke('orders.cancel', { id: a.id })
    const all = (await t.engine.invoke('orders.list', {})) as { orders: Order[] }
    expect(all.orders.map((o) => o.id)).toEqual([b.id, a.id])
    const open = (await t.engine.invoke('orders.list', { status: 'open' })) as { orders: Order[] }
    expect(open.orders.map((o) => o.id)).toEqual([b.id])
  })
})

describe('open-price lines', () => {
  it('mixes catalog lines with amounts keyed at the counter', async () => {
    t = testEngine()
    const order = await create({
      lines: [
        { sku: 'BRK-001', quantity: 2 },
        { name: '散装水果', unitPriceFen: 1288 },
      ],
    })
    expect(order.totalFen).toBe(300 + 1288)
    expect(order.lines[1]).toMatchObject({ name: '散装水果', sku: null, productId: null, quantity: 1, amountFen: 1288 })
  })

  it('refuses a keyed line with a fractional or negative price', async () => {
    t = testEngine()
    await expect(create({ lines: [{ name: 'x', unitPriceFen: 1.5 }] })).rejects.toMatchObject({
      code: 'AMOUNT_OUT_OF_RANGE',
    })
    await expect(create({ lines: [{ name: 'x', unitPriceFen: -100 }] })).rejects.toMatchObject({
      code: 'AMOUNT_OUT_OF_RANGE',
    })
  })
})

describe('what the engine keeps in memory of a new order', () => {
  it('is what the books hold: its row (column for column, in order), its number, its lines and their products', async () => {
    t = testEngine()
    const inputs = [
      { amountFen: 500 },
      { lines: [{ sku: 'DRK-001', quantity: 2 }], customerRef: 'C-9', context: 'online' },
      {
        lines: [
          { sku: 'BRK-001', quantity: 1 },
          { name: '打包费', unitPriceFen: 50, quantity: 1 },
        ],
        description: '外带',
      },
    ]
    for (const input of inputs) {
      const order = await create(input)
      const read = t.engine.db.prepare('SELECT * FROM orders WHERE id = ?').get(order.id) as Record<string, unknown>
      expect(Object.entries(getOrderRow(t.engine.db, order.id)!)).toEqual(Object.entries(read))
      expect(read.day_number).toBe(order.dayNumber)
      const lines = t.engine.db
        .prepare(
          `SELECT l.name, l.sku, p.category FROM order_lines l LEFT JOIN products p ON p.id = l.product_id
           WHERE l.order_id = ? ORDER BY l.position`,
        )
        .all(order.id) as { name: string; sku: string | null; category: string | null }[]
      expect(linesInBrief(t.engine.db, order.id)).toEqual({
        firstName: lines[0]?.name ?? null,
        count: lines.length,
        facts: lines.map((line) => ({ sku: line.sku, category: line.category })),
      })
    }
  })

  it('gives a lost order’s number to the next order', async () => {
    t = testEngine()
    const first = await create({ amountFen: 100 })
    const lost = create({ amountFen: 200 })
    // A write the database refuses only at commit (a deferred foreign key) loses the whole group, the order with it.
    poisonOpenGroup(t.engine)
    await expect(lost).rejects.toMatchObject({ code: 'STORAGE_FAILED' })
    const next = await create({ amountFen: 300 })
    expect(next.dayNumber).toBe(first.dayNumber + 1)
  })
})
