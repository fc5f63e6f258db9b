import { afterEach, describe, expect, it } from 'vitest'
import http from 'node:http'
import { TEST_TOKEN, testServer } from '../support/server'

/** A GET whose path goes on the wire exactly as written. */
function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base)
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: hostname, port, path, method: 'GET', headers: { Authorization: `Bearer ${TEST_TOKEN}` } },
      (response) => {
        let body = ''
        response.on('data', (chunk: Buffer) => (body += chunk.toString()))
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
      },
    )
    request.on('error', reject)
    request.end()
  })
}

let s: Awaited<ReturnType<typeof testServer>>
afterEach(async () => s?.dispose())

describe('integrator API over HTTP on 127.0.0.1', () => {
  it('answers health without a token', async () => {
    s = await testServer()
    const res = await fetch(`${s.base}/api/health`)
    expect(res.status).toBe(200)
    expect((await res.json()) as unknown).toEqual({ ok: true, version: 'test' })
  })

  it('requires the bearer token everywhere else', async () => {
    s = await testServer()
    for (const token of [null, 'wrong-token']) {
      const res = await fetch(`${s.base}/api/orders`, { headers: token ? { Authorization: `Bearer ${token}` } : {} })
      expect(res.status).toBe(401)
      expect(((await res.json()) as any).error.code).toBe('UNAUTHORIZED')
    }
  })

  it('runs the documented checkout: order → options → QR payment → paid', async () => {
    s = await testServer()
    const created = await s.api('POST', '/api/orders', {
      lines: [{ sku: 'BRK-002', quantity: 2 }],
      customerRef: 'shop-42',
    })
    expect(created.status).toBe(201)
    expect(created.json).toMatchObject({ status: 'open', totalFen: 500, customerRef: 'shop-42' })
    expect(created.json.lines[0]).toMatchObject({ sku: 'BRK-002', quantity: 2, amountFen: 500 })

    const options = await s.api('GET', `/api/orders/${created.json.id}/payment-options`)
    expect(options.status).toBe(200)
    expect(options.json.options).toEqual(
      expect.arrayContaining([expect.objectContaining({ wallet: 'wechat', available: true, reason: null })]),
    )

    const payment = await s.api('POST', `/api/orders/${created.json.id}/payments`, { wallet: 'wechat', method: 'qr' })
    expect(payment.status).toBe(201)
    expect(Object.keys(payment.json)).toEqual(
      expect.arrayContaining(['id', 'wallet', 'status', 'qrContent', 'qrSvg', 'expiresAt']),
    )
    expect(payment.json.qrContent.startsWith(`${s.server.publicBaseUrl}/sim/pay/`)).toBe(true)

    const confirm = await fetch(`${payment.json.qrContent}/confirm`, { method: 'POST', redirect: 'manual' })
    expect(confirm.status).toBe(303)
    await s.engine.idle()
    const order = await s.api('GET', `/api/orders/${created.json.id}`)
    expect(order.json).toMatchObject({ status: 'paid', paidWallet: 'wechat' })
    expect(order.json.attempts).toHaveLength(1)
    expect(order.json.attempts[0]).toMatchObject({ id: payment.json.id, status: 'succeeded' })
  })

  it('answers the payment options with the new order when asked, as the till does in one round trip', async () => {
    s = await testServer()
    const plain = await s.api('POST', '/api/orders', { amountFen: 880 })
    expect(plain.status).toBe(201)
    expect(plain.json).not.toHaveProperty('paymentOptions')

    const created = await s.api('POST', '/api/orders', { amountFen: 880, withPaymentOptions: true })
    expect(created.status).toBe(201)
    expect(created.json).toMatchObject({ status: 'open', totalFen: 880 })
    const asked = await s.api('GET', `/api/orders/${created.json.id}/payment-options`)
    expect(created.json.paymentOptions).toEqual(asked.json.options)
    expect(created.json.paymentOptions).toEqual(
      expect.arrayContaining([expect.objectContaining({ wallet: 'wechat', available: true, rank: 1 })]),
    )

    const wrong = await s.api('POST', '/api/orders', { amountFen: 880, withPaymentOptions: 'yes' })
    expect(wrong.status).toBe(400)
    expect(wrong.json.error.code).toBe('VALIDATION_FAILED')
  })

  it('takes an action with no body even when the client says the body is JSON (as curl does)', async () => {
    s = await testServer()
    const order = (await s.api('POST', '/api/orders', { amountFen: 700 })).json
    const cancel = await fetch(`${s.base}/api/orders/${order.id}/cancel`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TEST_TOKEN}`, 'Content-Type': 'application/json' },
    })
    expect(cancel.status).toBe(200)
    expect((await s.api('GET', `/api/orders/${order.id}`)).json.status).toBe('cancelled')
    // An operation that needs input says which field is missing, not that the JSON is malformed.
    const create = await fetch(`${s.base}/api/orders`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TEST_TOKEN}`, 'Content-Type': 'application/json' },
      body: '',
    })
    expect(create.status).toBe(400)
    expect(((await create.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED')
  })

  it('forged notifications are refused; a flood of them costs one event row a minute, with the count', async () => {
    s = await testServer()
    const forge = () =>
      fetch(`${s!.base}/api/notify/simulator`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ out_trade_no: 'pay_x', trade_state: 'SUCCESS', signature: 'forged' }),
      })
    const rejected = () => s!.engine.events.since(0, 10_000).filter((e) => e.type === 'notification.rejected')
    for (let i = 0; i < 50; i++) expect((await forge()).status).toBe(400)
    expect(rejected()).toHaveLength(1)
    expect(rejected()[0]!.data).toMatchObject({ provider: 'simulator', source: expect.any(String) })
    s.clock.advance(61_000)
    expect((await forge()).status).toBe(400)
    expect(rejected()).toHaveLength(2)
    expect(rejected()[1]!.data).toMatchObject({ suppressed: 49 })
  })

  it('answers odd paths in its own error shape, with a 4xx', async () => {
    s = await testServer()
    const paths = [
      '/api//orders',
      '/api/./orders',
      '/%00',
      '/api/orders//payments',
      `/api/orders/${'x'.repeat(5000)}`,
      '/api/orders/%E0%A4%A',
    ]
    for (const path of paths) {
      // Sent as written: fetch would tidy `/./` and friends before the server saw them.
      const res = await rawGet(s.base, path)
      expect(res.status, path.slice(0, 40)).toBeGreaterThanOrEqual(400)
      expect(res.status, path.slice(0, 40)).toBeLessThan(500)
      const body = JSON.parse(res.body)
      expect(Object.keys(body), path.slice(0, 40)).toEqual(['error'])
      expect(body.error).toEqual({ code: expect.any(String), message: expect.any(String) })
    }
  })

  it('gives coded errors for bad input and changes nothing', async () => {
    s = await testServer()
    const cases: [string, string, unknown, number, string][] = [
      ['POST', '/api/orders', '{"amountFen": 12', 400, 'MALFORMED_JSON'],
      ['POST', '/api/orders', { amountFen: -5 }, 400, 'AMOUNT_OUT_OF_RANGE'],
      ['POST', '/api/orders', { amountFen: 10.5 }, 400, 'AMOUNT_OUT_OF_RANGE'],
      ['POST', '/api/orders', { amountFen: 1e15 }, 400, 'AMOUNT_OUT_OF_RANGE'],
      ['POST', '/api/orders', { amountFen: '100' }, 400, 'VALIDATION_FAILED'],
      ['POST', '/api/orders', [1, 2, 3], 400, 'VALIDATION_FAILED'],
      ['POST', '/api/orders', { amountFen: 100, description: 'x'.repeat(300) }, 400, 'VALIDATION_FAILED'],
      ['POST', '/api/orders', { amountFen: 100, customerRef: 'x'.repeat(100_000) }, 413, 'PAYLOAD_TOO_LARGE'],
      ['POST', '/api/orders', { lines: [{ sku: 'NOPE', quantity: 1 }] }, 404, 'PRODUCT_NOT_FOUND'],
      ['GET', '/api/orders/ord_unknown', undefined, 404, 'ORDER_NOT_FOUND'],
      ['GET', '/api/orders/ord_unknown/payment-options', undefined, 404, 'ORDER_NOT_FOUND'],
      ['POST', '/api/orders/ord_unknown/payments', { wallet: 'wechat' }, 404, 'ORDER_NOT_FOUND'],
      ['GET', '/api/orders?limit=100000', undefined, 400, 'VALIDATION_FAILED'],
      ['GET', '/api/nothing-here', undefined, 404, 'NOT_FOUND'],
      ['POST', '/api/orders', '{"__proto__": {"admin": true}, "amountFen": 100}', 400, 'MALFORMED_JSON'],
    ]
    for (const [method, path, body, status, code] of cases) {
      const res = await s.api(method, path, body)
      expect({
        path,
        body: typeof body === 'string' ? body : JSON.stringify(body)?.slice(0, 40),
        status: res.status,
        code: res.json?.error?.code,
      }).toEqual({
        path,
        body: typeof body === 'string' ? body : JSON.stringify(body)?.slice(0, 40),
        status,
        code,
      })
      expect(typeof res.json.error.message).toBe('string')
    }
    const list = await s.api('GET', '/api/orders')
    expect(list.json.orders).toEqual([])
  })

  it('refuses requests whose Host header it does not serve (DNS rebinding)', async () => {
    s = await testServer()
    const { request } = await import('node:http')
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${s.base}/api/health`, { headers: { Host: 'attacker.example:5170' } }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      req.end()
    })
    expect(status).toBe(403)
  })

  it('publishes an OpenAPI 3.1 document generated from the contract', async () => {
    s = await testServer()
    const res = await s.api('GET', '/api/openapi.json')
    expect(res.status).toBe(200)
    const doc = res.json
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/health',
        '/api/orders',
        '/api/orders/{id}',
        '/api/orders/{id}/payment-options',
        '/api/orders/{id}/payments',
        '/api/events',
      ]),
    )
    const createPayment = doc.paths['/api/orders/{id}/payments'].post
    expect(createPayment.parameters[0]).toMatchObject({ name: 'id', in: 'path', required: true })
    const variants =
      createPayment.requestBody.content['application/json'].schema.oneOf ??
      createPayment.requestBody.content['application/json'].schema.anyOf
    expect(variants.map((v: any) => v.properties.method.const).sort()).toEqual([
      'aggregate',
      'cash',
      'payment-code',
      'qr',
    ])
    const qr = variants.find((v: any) => v.properties.method.const === 'qr')
    expect(qr.properties.wallet.enum).toEqual(['wechat', 'alipay', 'huabei', 'unionpay', 'jdpay', 'ecny'])
    for (const variant of variants) expect(variant.properties).not.toHaveProperty('id')
    expect(Object.keys(createPayment.responses)).toContain('201')
    // Every $ref points at a schema the document defines.
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!)
    expect(refs.length).toBeGreaterThan(0)
    for (const ref of refs) expect(doc.components.schemas).toHaveProperty(ref)
  })

  it('streams engine events (SSE) and replays what a reconnecting client missed', async () => {
    s = await testServer()
    const first = await s.api('POST', '/api/orders', { amountFen: 100 })
    const controller = new AbortController()
    const res = await fetch(`${s.base}/api/events`, {
      headers: { Authorization: `Bearer ${TEST_TOKEN}`, 'Last-Event-ID': '0' },
      signal: controller.signal,
    })
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
    let text = ''
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read()
        if (done) throw new Error('stream ended')
        text += value
      }
    }
    await readUntil(first.json.id) // replayed from the log
    const second = await s.api('POST', '/api/orders', { amountFen: 200 })
    await readUntil(second.json.id) // live
    const events = text
      .split('\n\n')
      .filter((block) => block.includes('data:'))
      .map((block) =>
        JSON.parse(
          block
            .split('\n')
            .find((l) => l.startsWith('data:'))!
            .slice(5),
        ),
      )
    expect(events.map((e) => [e.type, e.orderId])).toEqual([
      ['order.created', first.json.id],
      ['order.created', second.json.id],
    ])
    expect(text).toMatch(/^id: 1$/m)
    controller.abort()
  })

  it('rejects forged wallet notifications over HTTP', async () => {
    s = await testServer()
    const res = await fetch(`${s.base}/api/notify/simulator`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'x-sim-timestamp': '1',
        'x-sim-nonce': 'n',
        'x-sim-signature': 'forged',
      },
      body: JSON.stringify({ resource: { out_trade_no: 'pay_x', trade_state: 'SUCCESS' } }),
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as any).error.code).toBe('NOTIFICATION_REJECTED')
  })
})

describe('the API token cannot be side-stepped', () => {
  it.each([
    '/%61pi/orders',
    '/%61%70%69/orders',
    '/api/%6Frders',
    '/api//orders',
    '/api/orders/',
    '/api/orders?x=/api/health',
    '/api/./orders',
  ])('GET %s without a token is refused or unknown, never served', async (path) => {
    s = await testServer()
    const { request } = await import('node:http')
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${s.base}${path}`, { headers: { Host: new URL(s.base).host } }, (res) => {
        let text = ''
        res.on('data', (chunk) => (text += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
      })
      req.on('error', reject)
      req.end()
    })
    expect([401, 404]).toContain(status)
    expect(body).not.toContain('"orders"')
  })

  it('a percent-encoded path cannot create or cancel orders', async () => {
    s = await testServer()
    const res = await fetch(`${s.base}/%61pi/orders`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"amountFen":100}',
    })
    expect(res.status).toBe(401)
    expect((await s.api('GET', '/api/orders')).json.orders).toEqual([])
  })
})
