import { afterEach, describe, expect, it } from 'vitest'
import { testEngine } from '../support/engine'

let t: ReturnType<typeof testEngine>
afterEach(async () => t?.dispose())

describe('failures are visible', () => {
  it('an unexpected error is logged with the operation that failed, and answered as INTERNAL without its details', async () => {
    t = testEngine()
    // The engine's own reads now fail with a driver error, which is no coded EngineError.
    t.engine.db.prepare('DROP TABLE products').run()
    await expect(t.engine.invoke('products.list', {})).rejects.toMatchObject({
      code: 'INTERNAL',
      message: 'Internal error',
    })
    expect(t.log.entries).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'operation failed unexpectedly',
        fields: expect.objectContaining({ operation: 'products.list', error: expect.stringMatching(/products/) }),
      }),
    )
  })

  it('a coded refusal is the caller’s business and is not logged as a failure', async () => {
    t = testEngine()
    await expect(t.engine.invoke('orders.get', { id: 'ord_missing' })).rejects.toMatchObject({
      code: 'ORDER_NOT_FOUND',
    })
    expect(t.log.entries.filter((e) => e.level === 'error')).toEqual([])
  })

  it('a wallet that fails during the sweep is logged with the payment it was asked about', async () => {
    t = testEngine({ simulator: { defaultOutcome: 'succeed_silently' } })
    const order = await t.engine.invoke('orders.create', { amountFen: 300 })
    const payment = await t.engine.invoke('payments.create', { id: order.id, wallet: 'wechat' })
    // The wallet fails when the sweep asks it.
    t.engine.simulator.setFaults([{ kind: 'server_error', calls: ['query'], times: 1, delayMs: 0 }])
    await t.engine.sweep()
    expect(t.log.entries).toContainEqual(
      expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ attemptId: payment.id }) }),
    )
  })
})
