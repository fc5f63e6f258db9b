import { afterEach, describe, expect, it } from 'vitest'
import { testServer } from '../support/server'

let s: Awaited<ReturnType<typeof testServer>>
afterEach(async () => s?.dispose())

const MINUTE = 60_000

/** A request with no credential but the one given (a paired device's own token, or none). */
async function asDevice(method: string, path: string, token: string | null, body?: unknown, session?: string) {
  const response = await fetch(s.base + path, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(session ? { 'X-Hutong-Session': session } : {}),
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: response.status, json: (await response.json()) as any }
}

const redeem = (code: string) => asDevice('POST', '/api/pairing/redeem', null, { code })

describe('pairing a till or a customer display with a one-time code', () => {
  it('pairs a second till: its own credential, a console that needs a member to sign in, never the integrator', async () => {
    s = await testServer()
    const created = await s.api('POST', '/api/pairing/codes', { kind: 'till', name: '收银台 2' })
    expect(created.status).toBe(201)
    expect(created.json.code).toMatch(/^\d{6}$/)
    expect(Date.parse(created.json.expiresAt) - s.clock.now()).toBe(5 * MINUTE)

    const paired = await redeem(created.json.code)
    expect(paired.status).toBe(201)
    expect(paired.json.device).toMatchObject({ kind: 'till', name: '收银台 2', revokedAt: null })
    const tills = (await s.api('GET', '/api/tills')).json.tills
    expect(tills.find((till: any) => till.id === paired.json.device.tillId)).toMatchObject({ name: '收银台 2' })
    const token = paired.json.token as string
    expect(token.length).toBeGreaterThanOrEqual(32)

    // Used once: the same code again pairs nothing.
    expect((await redeem(created.json.code)).json.error.code).toBe('PAIRING_CODE_INVALID')

    // The device reaches the server, shows the sign-in screen, and does nothing else until a member signs in.
    expect((await asDevice('GET', '/api/store', token)).status).toBe(200)
    const unsigned = await asDevice('GET', '/api/orders', token)
    expect([unsigned.status, unsigned.json.error.code]).toEqual([401, 'SESSION_EXPIRED'])
    const staff = (await asDevice('GET', '/api/auth/staff', token)).json.staff
    const cashier = staff.find((member: any) => member.role === 'cashier')
    const signIn = await asDevice('POST', '/api/auth/sign-in', token, {
      staffId: cashier.id,
      pin: '1234',
      tillId: paired.json.device.tillId,
    })
    const order = await asDevice('POST', '/api/orders', token, { amountFen: 1200 }, signIn.json.token)
    expect(order.status).toBe(201)
    expect(order.json).toMatchObject({ tillId: paired.json.device.tillId, staffId: cashier.id })
  })

  it('revokes a device at once: its requests are refused and its open event stream ends', async () => {
    s = await testServer()
    const { code } = (await s.api('POST', '/api/pairing/codes', { kind: 'till', name: '平板' })).json
    const { device, token } = (await redeem(code)).json
    const listed = (await s.api('GET', '/api/devices')).json.devices
    expect(listed.map((d: any) => [d.id, d.name, d.kind])).toEqual([[device.id, '平板', 'till']])
    expect(listed[0].lastSeenAt).not.toBeNull()

    const stream = await fetch(`${s.base}/api/events`, { headers: { Authorization: `Bearer ${token}` } })
    expect(stream.status).toBe(200)
    const ended = (async () => {
      const reader = stream.body!.getReader()
      while (!(await reader.read()).done);
      return true
    })()

    const revoked = await s.api('POST', `/api/devices/${device.id}/revoke`)
    expect(revoked.json).toMatchObject({ id: device.id })
    expect(revoked.json.revokedAt).not.toBeNull()
    expect(await Promise.race([ended, new Promise((resolve) => setTimeout(() => resolve(false), 3000))])).toBe(true)
    const refused = await asDevice('GET', '/api/store', token)
    expect(refused.status).toBe(401)
    expect(refused.json.error.code).toBe('UNAUTHORIZED')
    // Revoking twice changes nothing; an unknown device is a coded 404.
    expect((await s.api('POST', `/api/devices/${device.id}/revoke`)).json.revokedAt).toBe(revoked.json.revokedAt)
    expect((await s.api('POST', '/api/devices/dev_nope/revoke')).json.error.code).toBe('DEVICE_NOT_FOUND')
    const audit = (await s.api('GET', '/api/audit')).json.entries
    expect(audit.filter((entry: any) => entry.entity === 'device').map((entry: any) => entry.after)).toEqual([
      { revoked: true },
      { kind: 'till', name: '平板', tillId: device.tillId },
    ])
  })

  it('lets a code live five minutes, and pauses pairing after ten wrong codes', async () => {
    s = await testServer()
    const late = (await s.api('POST', '/api/pairing/codes', { kind: 'till', name: '收银台 3' })).json.code
    s.clock.advance(5 * MINUTE)
    expect((await redeem(late)).json.error.code).toBe('PAIRING_CODE_INVALID')

    const code = (await s.api('POST', '/api/pairing/codes', { kind: 'till', name: '收银台 4' })).json.code
    const wrong = code === '000000' ? '000001' : '000000'
    for (let i = 0; i < 9; i++) expect((await redeem(wrong)).status).toBe(403)
    const locked = await redeem(code)
    expect(locked.status).toBe(423)
    expect(locked.json.error.code).toBe('LOCKED')
    s.clock.advance(5 * MINUTE - 1) // the code is still valid, and the pause not over
    expect((await redeem(code)).status).toBe(423)
    s.clock.advance(1) // five minutes after the wrong codes: pairing works again, with a fresh code
    const fresh = (await s.api('POST', '/api/pairing/codes', { kind: 'till', name: '收银台 4' })).json.code
    expect((await redeem(fresh)).status).toBe(201)
  })

  it('pairs a customer display to a till: it may follow that till, and do nothing a member does', async () => {
    s = await testServer()
    const till = (await s.api('POST', '/api/tills', { name: '前台', kind: 'desktop' })).json
    const { code } = (await s.api('POST', '/api/pairing/codes', { kind: 'display', name: '客显 1', tillId: till.id }))
      .json
    const { device, token } = (await redeem(code)).json
    expect(device).toMatchObject({ kind: 'display', tillId: till.id })
    const state = await asDevice('GET', `/api/display/state?tillId=${till.id}`, token)
    expect(state.json).toMatchObject({ tillId: till.id, state: { phase: 'idle' } })
    expect((await asDevice('GET', '/api/orders', token)).status).toBe(401)
    expect(
      (await asDevice('POST', '/api/display/state', token, { tillId: till.id, state: { phase: 'cart' } })).status,
    ).toBe(401)
  })

  it('refuses codes from anyone but the owner or a manager, and bad input with coded errors', async () => {
    s = await testServer()
    const cashier = await s.signIn('cashier')
    const refused = await s.asIntegration(
      'POST',
      '/api/pairing/codes',
      { kind: 'till', name: 'x' },
      {
        'X-Hutong-Session': cashier,
      },
    )
    expect(refused.status).toBe(403)
    expect((await s.asIntegration('POST', '/api/pairing/codes', { kind: 'till', name: 'x' })).status).toBe(403)
    for (const body of [
      { kind: 'printer', name: 'x' },
      { kind: 'till', name: '' },
      { kind: 'till', name: 'x'.repeat(31) },
    ])
      expect((await s.api('POST', '/api/pairing/codes', body)).json.error.code).toBe('VALIDATION_FAILED')
    // A display follows a till: the owner's session here is at none, and an unknown till is not found.
    expect((await s.api('POST', '/api/pairing/codes', { kind: 'display', name: 'x' })).json.error.code).toBe(
      'VALIDATION_FAILED',
    )
    expect((await s.api('POST', '/api/pairing/codes', { kind: 'display', name: 'x', tillId: 'til_nope' })).status).toBe(
      404,
    )
    for (const code of ['12345', '1234567', 'abcdef', 123456])
      expect((await redeem(code as string)).json.error.code).toBe('VALIDATION_FAILED')
    expect((await s.api('GET', '/api/devices')).json.devices).toEqual([])
  })
})
