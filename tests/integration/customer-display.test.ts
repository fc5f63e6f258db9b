import { afterEach, describe, expect, it } from 'vitest'
import { TEST_TOKEN, testServer } from '../support/server'

let s: Awaited<ReturnType<typeof testServer>>
afterEach(async () => s?.dispose())

const cart = {
  phase: 'cart',
  lines: [{ name: '豆浆', quantity: 2, amountFen: 800 }],
  totalFen: 800,
}

/** Reads a display stream until `count` snapshots arrived (or the time runs out). */
async function readSnapshots(url: string, count: number, whileOpen: () => Promise<void>) {
  const controller = new AbortController()
  const response = await fetch(url, { headers: { Authorization: `Bearer ${TEST_TOKEN}` }, signal: controller.signal })
  expect(response.headers.get('content-type')).toContain('text/event-stream')
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  const snapshots: any[] = []
  let buffer = ''
  const reading = (async () => {
    while (snapshots.length < count) {
      const { value, done } = await reader.read()
      if (done) return
      buffer += decoder.decode(value, { stream: true })
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const data = block.split('\n').find((line) => line.startsWith('data: '))
        if (block.includes('event: display') && data) snapshots.push(JSON.parse(data.slice(6)))
      }
    }
  })()
  await whileOpen()
  await Promise.race([reading, new Promise((resolve) => setTimeout(resolve, 3000))])
  controller.abort()
  return snapshots
}

describe('the customer display', () => {
  async function tillSession() {
    const till = await s.asIntegration('POST', '/api/tills', { name: '前台 1', kind: 'browser' })
    const member = (await s.asIntegration('GET', '/api/auth/staff')).json.staff.find((m: any) => m.role === 'cashier')
    const signed = await s.asIntegration('POST', '/api/auth/sign-in', {
      staffId: member.id,
      pin: '1234',
      tillId: till.json.id,
    })
    return { tillId: till.json.id as string, headers: { 'X-Hutong-Session': signed.json.token as string } }
  }

  it('shows what the till publishes: the current state at once, then each change, for that till only', async () => {
    s = await testServer()
    const { tillId, headers } = await tillSession()
    const idle = await s.asIntegration('GET', `/api/display/state?tillId=${tillId}`)
    expect(idle.json).toMatchObject({ tillId, state: { phase: 'idle', lines: [] }, updatedAt: null })

    const snapshots = await readSnapshots(`${s.base}/api/display/events?tillId=${tillId}`, 3, async () => {
      await new Promise((resolve) => setTimeout(resolve, 100))
      const published = await s.asIntegration('POST', '/api/display/state', { state: cart }, headers)
      expect(published.status).toBe(200)
      expect(published.json).toMatchObject({ tillId, state: { ...cart, codes: [], paid: null } })
      // Another till's screen does not reach this display.
      await s.api('POST', '/api/display/state', { tillId: 'another-till', state: { phase: 'cart', totalFen: 1 } })
      const code = {
        wallet: 'wechat',
        label: '微信支付',
        content: 'weixin://wxpay/bizpayurl?pr=abc',
        mode: 'simulator',
      }
      await s.asIntegration(
        'POST',
        '/api/display/state',
        { state: { ...cart, phase: 'paying', codes: [code] } },
        headers,
      )
    })
    expect(snapshots.map((snapshot) => [snapshot.tillId, snapshot.state.phase])).toEqual([
      [tillId, 'idle'],
      [tillId, 'cart'],
      [tillId, 'paying'],
    ])
    expect(snapshots[2].state.codes[0].content).toBe('weixin://wxpay/bizpayurl?pr=abc')
    const latest = await s.asIntegration('GET', `/api/display/state?tillId=${tillId}`)
    expect(latest.json.state.phase).toBe('paying')
  })

  it('refuses a state it cannot show, and a publisher with no till or no right to sell', async () => {
    s = await testServer()
    const { tillId, headers } = await tillSession()
    const bad = [
      { phase: 'dancing' },
      { phase: 'cart', totalFen: -1 },
      { phase: 'cart', totalFen: 1.5 },
      { phase: 'cart', lines: Array.from({ length: 201 }, () => ({ name: 'x', quantity: 1, amountFen: 1 })) },
      { phase: 'cart', lines: [{ name: 'x'.repeat(201), quantity: 1, amountFen: 1 }] },
      { phase: 'paying', codes: [{ wallet: 'paypal', label: 'x', content: 'x', mode: 'simulator' }] },
      { phase: 'cart', secret: 'extra field' },
    ]
    for (const state of bad) {
      const answer = await s.asIntegration('POST', '/api/display/state', { state }, headers)
      expect(answer.status, JSON.stringify(state).slice(0, 80)).toBe(400)
      expect(answer.json.error.code).toBe('VALIDATION_FAILED')
    }
    // The owner's session was opened at no till: it must name one.
    const noTill = await s.api('POST', '/api/display/state', { state: cart })
    expect(noTill.json.error.code).toBe('VALIDATION_FAILED')
    // Driving a display takes the right to sell.
    const integrator = await s.asIntegration('POST', '/api/display/state', { tillId, state: cart })
    expect(integrator.status).toBe(200) // an integrator's own till software may drive a display
    await s.api('POST', '/api/permissions', {
      ...(await s.api('GET', '/api/permissions')).json,
      integration: ['view'],
    })
    const narrowed = await s.asIntegration('POST', '/api/display/state', { tillId, state: { phase: 'idle' } })
    expect(narrowed.status).toBe(403)
    expect((await s.asIntegration('GET', `/api/display/state?tillId=${tillId}`)).json.state.phase).toBe('cart')
    const noToken = await fetch(`${s.base}/api/display/events?tillId=${tillId}`)
    expect(noToken.status).toBe(401)
  })
})
