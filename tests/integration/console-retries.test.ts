import { afterEach, describe, expect, it } from 'vitest'
import { createApiClient } from '../../src/renderer/src/api/client'
import { createHttpTransport } from '../../src/renderer/src/api/httpTransport'
import { createIntentKeys } from '../../src/renderer/src/lib/intentKeys'
import { EngineError } from '../../src/shared/errors'
import { TEST_TOKEN, testServer } from '../support/server'

let s: Awaited<ReturnType<typeof testServer>> | null = null
afterEach(async () => {
  await s?.dispose()
  s = null
})

const count = (table: string) => (s!.engine.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n

/** The console's own API client over HTTP, on a network that loses the answers of the next `lose` requests. */
function consoleClient(lose: { count: number }) {
  const lossyFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init)
    if (init?.method !== 'POST' || lose.count === 0) return response
    lose.count--
    await response.arrayBuffer()
    throw new TypeError('network connection lost')
  }
  return createApiClient(createHttpTransport({ baseUrl: s!.base, token: TEST_TOKEN, fetch: lossyFetch }))
}

describe('the console never charges or creates twice', () => {
  it('收款 retried after a lost answer creates one order; the payment retried after a lost answer is one payment', async () => {
    s = await testServer()
    const lose = { count: 1 }
    const api = consoleClient(lose)
    const cart = { lines: [{ sku: 'DRK-001', quantity: 2 }] }
    await expect(api.callOnce('orders.create', cart)).rejects.toMatchObject({ code: 'INTERNAL' })
    const order = await api.callOnce('orders.create', cart)
    expect(count('orders')).toBe(1)

    lose.count = 1
    const cash = { id: order.id, method: 'cash', wallet: 'cash', tenderedFen: 10_000 } as const
    await expect(api.callOnce('payments.create', cash)).rejects.toMatchObject({ code: 'INTERNAL' })
    const paid = await api.callOnce('payments.create', cash)
    expect(paid.status).toBe('succeeded')
    expect(count('payment_attempts')).toBe(1)
  })

  it('a double click sends one request with one key; the second waits for no second order', async () => {
    s = await testServer()
    const api = consoleClient({ count: 0 })
    const cart = { amountFen: 4200 }
    const both = await Promise.allSettled([api.callOnce('orders.create', cart), api.callOnce('orders.create', cart)])
    const created = both.filter((r) => r.status === 'fulfilled')
    expect(created.length).toBeGreaterThanOrEqual(1)
    for (const refused of both.filter((r) => r.status === 'rejected')) {
      expect((refused as PromiseRejectedResult).reason).toMatchObject({ code: 'IDEMPOTENCY_IN_PROGRESS' })
    }
    expect(count('orders')).toBe(1)
    // Once answered, the same cart charged again is a new sale.
    await api.callOnce('orders.create', cart)
    expect(count('orders')).toBe(2)
  })
})

describe('intent keys', () => {
  it('keep the key until the action has a settled answer', async () => {
    let n = 0
    const keys = createIntentKeys(() => `k${++n}`)
    const seen: string[] = []
    const fail = (code: 'INTERNAL' | 'INSUFFICIENT_TENDER') => async (key: string) => {
      seen.push(key)
      throw new EngineError(code, 'x')
    }
    await expect(keys.run('pay A', fail('INTERNAL'))).rejects.toThrow()
    await expect(keys.run('pay A', fail('INSUFFICIENT_TENDER'))).rejects.toThrow()
    await keys.run('pay A', async (key) => void seen.push(key))
    await keys.run('pay B', async (key) => void seen.push(key))
    expect(seen).toEqual(['k1', 'k1', 'k2', 'k3'])
    expect(keys.pending()).toBe(0)
  })
})
