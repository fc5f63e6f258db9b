import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createEngine, DATABASE_FILE } from '../../src/engine'
import { EngineEvent as EngineEventSchema } from '../../src/shared/api/schemas'
import { EVENT_TYPES } from '../../src/shared/events'
import { testEngine } from '../support/engine'
import { order } from '../support/routing'
import { customerPays } from '../support/simulator'

let t: ReturnType<typeof testEngine>
afterEach(async () => t?.dispose())

describe('engine events have one shape per type', () => {
  it('refuses to append data of the wrong shape, and writes nothing', async () => {
    t = testEngine()
    const before = t.engine.events.latestSeq()
    expect(() =>
      t.engine.events.unitOfWork(() =>
        // @ts-expect-error -- the data of order.paid needs a wallet and an amount: the compiler refuses this too
        t.engine.events.append({ type: 'order.paid', orderId: 'ord_x', data: { wallet: 'wechat' } }),
      ),
    ).toThrow(/order\.paid has data of the wrong shape/)
    await t.engine.idle()
    expect(t.engine.events.latestSeq()).toBe(before)
  })

  it('every event of a sale, a failed code and a refund matches the published schema of its type', async () => {
    // Both codes are paid before the console hears of either (no notifications): the second is refunded.
    t = testEngine({ simulator: { defaultOutcome: 'succeed_silently' } })
    const paid = await order(t.engine, { amountFen: 700 })
    const qr = await t.engine.invoke('payments.create', { id: paid.id, wallet: 'wechat' })
    const other = await t.engine.invoke('payments.create', { id: paid.id, wallet: 'alipay' })
    await customerPays(t.engine, qr.qrContent)
    await customerPays(t.engine, other.qrContent)
    await t.engine.sweep()
    await t.engine.idle()
    await t.engine.invoke('orders.cancel', { id: (await order(t.engine, { amountFen: 100 })).id })
    const timeline = (await t.engine.invoke('orders.get', { id: paid.id })).timeline
    expect(timeline.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'order.paid',
        'payment.succeeded',
        'payment.late_success',
        'refund.created',
        'refund.succeeded',
      ]),
    )
    for (const event of t.engine.events.since(0, 1000)) {
      expect(EVENT_TYPES).toContain(event.type)
      expect(EngineEventSchema.safeParse(event).success, event.type).toBe(true)
    }
  })

  it('reads a failure written in the older shape ({reason}) in today’s ({failureCode})', async () => {
    t = testEngine()
    const o = await order(t.engine, { amountFen: 100 })
    await t.engine.close()
    const db = new Database(join(t.dir, DATABASE_FILE))
    db.prepare(
      "INSERT INTO events (type, order_id, attempt_id, data, at) VALUES ('payment.failed', ?, NULL, ?, 0)",
    ).run(o.id, JSON.stringify({ reason: 'DECLINED' }))
    db.close()
    const reopened = createEngine({ dataDir: t.dir, sweepIntervalMs: 0 })
    try {
      const failed = reopened.events.forOrder(o.id).find((e) => e.type === 'payment.failed')
      expect(failed?.type === 'payment.failed' && failed.data.failureCode).toBe('DECLINED')
    } finally {
      await reopened.close()
    }
  })
})

describe('engine event listeners', () => {
  it('a listener that throws is reported in the log, and the others still hear every event', async () => {
    t = testEngine()
    const heard: string[] = []
    t.engine.subscribe(() => {
      throw new Error('the display bridge broke')
    })
    t.engine.subscribe((event) => heard.push(event.type))
    const created = await order(t.engine, { amountFen: 300 })
    await t.engine.idle()
    expect(heard).toContain('order.created')
    const reported = t.log.entries.filter((entry) => entry.message === 'an event listener failed')
    expect(reported.length).toBeGreaterThan(0)
    expect(reported[0]!.level).toBe('error')
    expect(reported[0]!.fields).toMatchObject({ event: 'order.created' })
    expect(JSON.stringify(reported[0]!.fields)).toContain('the display bridge broke')
    expect((await t.engine.invoke('orders.get', { id: created.id })).status).toBe('open')
  })
})
