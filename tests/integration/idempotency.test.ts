import { SYSTEM_CALLER } from '../../src/engine'
import { afterEach, describe, expect, it } from 'vitest'
import { createEngine } from '../../src/engine'
import { IDEMPOTENCY_KEY_TTL_MS } from '../../src/engine/idempotency/keys'
import { testEngine } from '../support/engine'
import { testServer } from '../support/server'

let s: Awaited<ReturnType<typeof testServer>> | null = null
let t: ReturnType<typeof testEngine> | null = null
afterEach(async () => {
  await s?.dispose()
  await t?.dispose()
  s = null
  t = null
})

const count = (table: string) =>
  ((s ?? t)!.engine.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n

describe('Idempotency-Key over HTTP', () => {
  it('the same key and body replay the first answer, status and body, and create nothing twice', async () => {
    s = await testServer()
    const headers = { 'Idempotency-Key': 'charge-1' }
    const first = await s.api('POST', '/api/orders', { amountFen: 1234 }, headers)
    const again = await s.api('POST', '/api/orders', { amountFen: 1234 }, headers)
    expect(first.status).toBe(201)
    expect(again.status).toBe(201)
    expect(again.json).toEqual(first.json)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(first.headers.get('idempotent-replayed')).toBeNull()
    expect(count('orders')).toBe(1)
  })

  it('a payment retried after a lost answer is the same payment; keys order-independent of JSON fields', async () => {
    s = await testServer()
    const order = await s.api('POST', '/api/orders', { amountFen: 800 })
    const headers = { 'Idempotency-Key': `pay-${order.json.id}` }
    const first = await s.api(
      'POST',
      `/api/orders/${order.json.id}/payments`,
      '{"wallet":"alipay","method":"qr"}',
      headers,
    )
    const retry = await s.api(
      'POST',
      `/api/orders/${order.json.id}/payments`,
      '{"method":"qr","wallet":"alipay"}',
      headers,
    )
    expect(first.status).toBe(201)
    expect(retry.json.id).toBe(first.json.id)
    expect(retry.json.qrContent).toBe(first.json.qrContent)
    expect(count('payment_attempts')).toBe(1)
  })

  it('the same key with another body is IDEMPOTENCY_KEY_REUSED (422) and changes nothing', async () => {
    s = await testServer()
    const headers = { 'Idempotency-Key': 'k-reused' }
    await s.api('POST', '/api/orders', { amountFen: 100 }, headers)
    const other = await s.api('POST', '/api/orders', { amountFen: 200 }, headers)
    expect(other.status).toBe(422)
    expect(other.json.error.code).toBe('IDEMPOTENCY_KEY_REUSED')
    const elsewhere = await s.api('POST', '/api/products', { name: 'x', sku: 'X-9', priceFen: 100 }, headers)
    expect(elsewhere.json.error.code).toBe('IDEMPOTENCY_KEY_REUSED')
    expect(count('orders')).toBe(1)
  })

  it('a concurrent duplicate is IDEMPOTENCY_IN_PROGRESS (409); the first completes once', async () => {
    s = await testServer()
    const order = await s.api('POST', '/api/orders', { amountFen: 990 })
    // A payment code: the wallet is asked, so the first request is still running when the second arrives.
    const body = { method: 'payment-code', authCode: '134567890123456789' }
    const headers = { 'Idempotency-Key': 'scan-1' }
    const [a, b] = await Promise.all([
      s.api('POST', `/api/orders/${order.json.id}/payments`, body, headers),
      s.api('POST', `/api/orders/${order.json.id}/payments`, body, headers),
    ])
    const statuses = [a.status, b.status].sort()
    expect(statuses).toEqual([201, 409])
    expect([a, b].find((r) => r.status === 409)!.json.error.code).toBe('IDEMPOTENCY_IN_PROGRESS')
    expect(count('payment_attempts')).toBe(1)
    const replay = await s.api('POST', `/api/orders/${order.json.id}/payments`, body, headers)
    expect(replay.json.id).toBe([a, b].find((r) => r.status === 201)!.json.id)
  })

  it('a final refusal is replayed too; a malformed request is not kept', async () => {
    s = await testServer()
    const order = await s.api('POST', '/api/orders', { amountFen: 500 })
    const headers = { 'Idempotency-Key': 'cash-short' }
    const short = { wallet: 'cash', tenderedFen: 100 }
    const refused = await s.api('POST', `/api/orders/${order.json.id}/payments`, short, headers)
    expect(refused.json.error.code).toBe('INSUFFICIENT_TENDER')
    const again = await s.api('POST', `/api/orders/${order.json.id}/payments`, short, headers)
    expect(again.status).toBe(refused.status)
    expect(again.json).toEqual(refused.json)
    expect(again.headers.get('idempotent-replayed')).toBeNull()

    const malformed = { 'Idempotency-Key': 'first-try-malformed' }
    expect((await s.api('POST', '/api/orders', { amountFen: -1 }, malformed)).status).toBe(400)
    expect((await s.api('POST', '/api/orders', { amountFen: 300 }, malformed)).status).toBe(201)
  })

  it('refuses keys that are empty, too long or not printable ASCII', async () => {
    s = await testServer()
    for (const key of ['x'.repeat(256), 'café', 'a b']) {
      const answer = await s.api('POST', '/api/orders', { amountFen: 100 }, { 'Idempotency-Key': key })
      expect(answer.status).toBe(400)
      expect(answer.json.error.code).toBe('VALIDATION_FAILED')
    }
    expect(count('orders')).toBe(0)
  })
})

describe('Idempotency keys in the engine', () => {
  it('survive a restart, and are forgotten after 24 hours', async () => {
    t = testEngine()
    const first = await t.engine.invokeIdempotent('k1', 'orders.create', { amountFen: 700 }, SYSTEM_CALLER)
    await t.engine.close()
    const reopened = createEngine({ dataDir: t.dir, sweepIntervalMs: 0, clock: t.clock, seedDemo: false })
    try {
      const replay = await reopened.invokeIdempotent('k1', 'orders.create', { amountFen: 700 }, SYSTEM_CALLER)
      expect(replay).toEqual({ output: first.output, replayed: true })
      t.clock.advance(IDEMPOTENCY_KEY_TTL_MS)
      await reopened.sweep()
      const fresh = await reopened.invokeIdempotent('k1', 'orders.create', { amountFen: 700 }, SYSTEM_CALLER)
      expect(fresh.replayed).toBe(false)
      expect((fresh.output as { id: string }).id).not.toBe((first.output as { id: string }).id)
    } finally {
      await reopened.close()
    }
  })
})
