import { afterEach, describe, expect, it } from 'vitest'
import type { Order } from '../../src/shared/api/types'
import { DEMO_STAFF } from '../../src/engine/seed/demoStaff'
import { customerPays } from '../support/simulator'
import { testEngine } from '../support/engine'
import { testServer } from '../support/server'

let t: ReturnType<typeof testEngine>
afterEach(async () => t?.dispose())

const MINUTE = 60_000
const demoPin = (role: 'owner' | 'cashier') => DEMO_STAFF.find((m) => m.role === role)!.pin

async function staffId(role: 'owner' | 'cashier'): Promise<string> {
  const { staff } = await t.engine.invoke('auth.signInOptions', {})
  return staff.find((m) => m.role === role)!.id
}

/** Signs in through `invoke` as a transport would, and returns the caller that acts as that session. */
async function signedIn(role: 'owner' | 'cashier', tillId?: string) {
  const { token } = await t.engine.invoke('auth.signIn', { staffId: await staffId(role), pin: demoPin(role), tillId })
  return { session: token, integration: false }
}

const asIntegration = { session: null, integration: true }
const nobody = { session: null, integration: false }

describe('signing in by PIN', () => {
  it('five wrong PINs lock the member for five minutes; the right PIN then waits too; a right one clears the count', async () => {
    t = testEngine()
    const cashier = await staffId('cashier')
    const signIn = (pin: string) => t.engine.invoke('auth.signIn', { staffId: cashier, pin })
    await expect(signIn('0000')).rejects.toMatchObject({ code: 'PIN_INCORRECT', details: { attemptsLeft: 4 } })
    await signIn(demoPin('cashier'))
    for (const left of [4, 3, 2, 1])
      await expect(signIn('0000')).rejects.toMatchObject({ code: 'PIN_INCORRECT', details: { attemptsLeft: left } })
    await expect(signIn('0000')).rejects.toMatchObject({
      code: 'LOCKED',
      details: { lockedUntil: new Date(t.clock.now() + 5 * MINUTE).toISOString() },
    })
    await expect(signIn(demoPin('cashier'))).rejects.toMatchObject({ code: 'LOCKED' })
    const options = await t.engine.invoke('auth.signInOptions', {})
    expect(options.staff.find((m) => m.id === cashier)?.lockedUntil).not.toBeNull()
    // Another member is not held up.
    await t.engine.invoke('auth.signIn', { staffId: await staffId('owner'), pin: demoPin('owner') })
    t.clock.advance(5 * MINUTE)
    expect((await signIn(demoPin('cashier'))).session).toMatchObject({
      principal: 'staff',
      staff: { id: cashier, role: 'cashier' },
    })
  })

  it('concurrent wrong PINs all count', async () => {
    t = testEngine()
    const cashier = await staffId('cashier')
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => t.engine.invoke('auth.signIn', { staffId: cashier, pin: '9999' })),
    )
    const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as { code: string }).code : 'ok'))
    expect(codes.filter((c) => c === 'LOCKED')).toHaveLength(1)
    expect(codes.filter((c) => c === 'PIN_INCORRECT')).toHaveLength(4)
  })

  it('shows the demo PINs only while every wallet is simulated; a demo PIN then may only be replaced', async () => {
    t = testEngine()
    expect((await t.engine.invoke('auth.signInOptions', {})).staff.map((m) => [m.role, m.demoPin])).toEqual([
      ['owner', '8888'],
      ['cashier', '1234'],
    ])
    const wechat = (await t.engine.invoke('wallets.list', {})).wallets.find((w) => w.wallet === 'wechat')!
    await t.engine.invoke('wallets.update', { ...wechat, mode: 'sandbox' })
    const options = await t.engine.invoke('auth.signInOptions', {})
    expect(options.demo).toBe(false)
    expect(options.staff.map((m) => m.demoPin)).toEqual([null, null])

    const owner = await signedIn('owner')
    expect(await t.engine.invoke('auth.me', {}, owner)).toMatchObject({ pinChangeRequired: true })
    await expect(t.engine.invoke('orders.list', {}, owner)).rejects.toMatchObject({ code: 'PIN_CHANGE_REQUIRED' })
    await expect(
      t.engine.invoke('auth.changePin', { currentPin: '8888', newPin: '8888' }, owner),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    const changed = await t.engine.invoke('auth.changePin', { currentPin: '8888', newPin: '260419' }, owner)
    expect(changed.pinChangeRequired).toBe(false)
    expect((await t.engine.invoke('orders.list', {}, owner)).orders).toEqual([])
    await expect(
      t.engine.invoke('auth.signIn', { staffId: await staffId('owner'), pin: '8888' }),
    ).rejects.toMatchObject({ code: 'PIN_INCORRECT' })
    expect(
      (await t.engine.invoke('auth.signIn', { staffId: await staffId('owner'), pin: '260419' })).session,
    ).toMatchObject({ pinChangeRequired: false })
  })
})

describe('permissions', () => {
  it('a cashier sells and refunds but changes no settings; the owner may; nobody signed in may do nothing', async () => {
    t = testEngine()
    const cashier = await signedIn('cashier')
    const owner = await signedIn('owner')
    const order = await t.engine.invoke('orders.create', { amountFen: 800 }, cashier)
    const wechat = (await t.engine.invoke('wallets.list', {}, cashier)).wallets.find((w) => w.wallet === 'wechat')!
    await expect(t.engine.invoke('wallets.update', { ...wechat, feeRateBp: 30 }, cashier)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      details: { permission: 'settings' },
    })
    await expect(t.engine.invoke('staff.list', {}, cashier)).rejects.toMatchObject({ code: 'FORBIDDEN' })
    await expect(t.engine.invoke('audit.list', {}, cashier)).rejects.toMatchObject({ code: 'FORBIDDEN' })
    expect(await t.engine.invoke('wallets.update', { ...wechat, feeRateBp: 30 }, owner)).toMatchObject({
      feeRateBp: 30,
    })
    await expect(t.engine.invoke('orders.get', { id: order.id }, nobody)).rejects.toMatchObject({
      code: 'SESSION_EXPIRED',
    })
    expect(await t.engine.invoke('store.get', {}, nobody)).toMatchObject({ currency: 'CNY' })
  })

  it('the owner narrows what cashiers and the integrator token may do', async () => {
    t = testEngine()
    const owner = await signedIn('owner')
    const cashier = await signedIn('cashier')
    const order = await t.engine.invoke('orders.create', { amountFen: 800 }, asIntegration)
    await expect(
      t.engine.invoke('routing.update', await t.engine.invoke('routing.get', {}), asIntegration),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' })
    const settings = await t.engine.invoke('permissions.get', {}, owner)
    await t.engine.invoke(
      'permissions.update',
      { ...settings, cashier: settings.cashier.filter((p) => p !== 'cancel'), integration: ['view'] },
      owner,
    )
    await expect(t.engine.invoke('orders.cancel', { id: order.id }, cashier)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      details: { permission: 'cancel' },
    })
    await expect(t.engine.invoke('orders.create', { amountFen: 100 }, asIntegration)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
    await expect(
      t.engine.invoke('permissions.update', { ...settings, manager: ['view', 'staff'] }, owner),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    const audit = await t.engine.invoke('audit.list', {}, owner)
    expect(audit.entries[0]).toMatchObject({ entity: 'permissions', actor: await staffId('owner') })
  })

  it('a cashier refund above the limit needs a manager PIN on the same request', async () => {
    t = testEngine()
    const cashier = await signedIn('cashier')
    const order = (await t.engine.invoke('orders.create', { amountFen: 30_000 }, cashier)) as Order
    const payment = await t.engine.invoke('payments.create', { id: order.id, wallet: 'wechat', qrSvg: false }, cashier)
    await customerPays(t.engine, payment.qrContent)
    const ownerId = await staffId('owner')
    const cashierId = await staffId('cashier')

    const small = await t.engine.invoke(
      'refunds.create',
      { id: order.id, amountFen: 5000, reason: 'duplicate' },
      cashier,
    )
    expect(small).toMatchObject({ staffId: cashierId, approvedBy: null, status: 'succeeded' })
    const big = { id: order.id, amountFen: 20_000, reason: 'customer_return' as const }
    await expect(t.engine.invoke('refunds.create', big, cashier)).rejects.toMatchObject({
      code: 'APPROVAL_REQUIRED',
      details: { limitFen: 10_000, amountFen: 20_000 },
    })
    await expect(
      t.engine.invoke('refunds.create', { ...big, approval: { staffId: ownerId, pin: '0000' } }, cashier),
    ).rejects.toMatchObject({ code: 'PIN_INCORRECT' })
    await expect(
      t.engine.invoke('refunds.create', { ...big, approval: { staffId: cashierId, pin: '1234' } }, cashier),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' })
    // Without an amount it refunds the rest (25,000 fen): the approval is asked for that.
    await expect(
      t.engine.invoke('refunds.create', { id: order.id, reason: 'customer_return' }, cashier),
    ).rejects.toMatchObject({ code: 'APPROVAL_REQUIRED', details: { amountFen: 25_000 } })
    expect((await t.engine.invoke('orders.get', { id: order.id })).refundedFen).toBe(5000)

    const approved = await t.engine.invoke(
      'refunds.create',
      { ...big, approval: { staffId: ownerId, pin: demoPin('owner') } },
      cashier,
    )
    expect(approved).toMatchObject({ staffId: cashierId, approvedBy: ownerId, amountFen: 20_000 })
    const owner = await signedIn('owner')
    expect(
      await t.engine.invoke('refunds.create', { id: order.id, amountFen: 5000, reason: 'duplicate' }, owner),
    ).toMatchObject({ staffId: ownerId, approvedBy: null })
  })
})

describe('who did what', () => {
  it('orders, payments and refunds record the member and till; the integrator token records integration', async () => {
    t = testEngine()
    const till = await t.engine.invoke('tills.register', { name: '收银台 1', kind: 'desktop' }, nobody)
    expect(await t.engine.invoke('tills.register', { name: '收银台 1', kind: 'desktop' }, nobody)).toMatchObject({
      id: till.id,
    })
    const cashier = await signedIn('cashier', till.id)
    const order = await t.engine.invoke('orders.create', { amountFen: 990 }, cashier)
    expect(order).toMatchObject({ staffId: await staffId('cashier'), tillId: till.id })
    const payment = await t.engine.invoke(
      'payments.create',
      { id: order.id, wallet: 'cash', tenderedFen: 1000 },
      cashier,
    )
    expect(await t.engine.invoke('payments.get', { id: payment.id })).toMatchObject({
      staffId: await staffId('cashier'),
    })
    const viaToken = await t.engine.invoke('orders.create', { amountFen: 100 }, asIntegration)
    expect(viaToken).toMatchObject({ staffId: 'integration', tillId: null })
    const inProcess = await t.engine.invoke('orders.create', { amountFen: 100 })
    expect(inProcess).toMatchObject({ staffId: null })
    await expect(
      t.engine.invoke('auth.signIn', { staffId: await staffId('cashier'), pin: '1234', tillId: 'til_nope' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })
})

describe('staff and sessions', () => {
  it('sign-out, a new PIN and turning a member away end their sessions; the last owner stays', async () => {
    t = testEngine()
    const owner = await signedIn('owner')
    const cashier = await signedIn('cashier')
    const cashierId = await staffId('cashier')
    await t.engine.invoke('auth.signOut', {}, cashier)
    await expect(t.engine.invoke('orders.list', {}, cashier)).rejects.toMatchObject({ code: 'SESSION_EXPIRED' })

    const again = await signedIn('cashier')
    await t.engine.invoke('staff.update', { id: cashierId, pin: '4321' }, owner)
    await expect(t.engine.invoke('orders.list', {}, again)).rejects.toMatchObject({ code: 'SESSION_EXPIRED' })
    const members = (await t.engine.invoke('staff.list', {}, owner)).staff
    expect(members.find((m) => m.id === cashierId)).toMatchObject({ usesDemoPin: false, active: true })

    const added = await t.engine.invoke('staff.create', { name: '赵经理', role: 'manager', pin: '135790' }, owner)
    const manager = await t.engine.invoke('auth.signIn', { staffId: added.id, pin: '135790' })
    expect(manager.session.permissions).toContain('dayClose')
    expect(manager.session.permissions).not.toContain('settings')
    await t.engine.invoke('staff.update', { id: added.id, active: false }, owner)
    await expect(
      t.engine.invoke('orders.list', {}, { session: manager.token, integration: false }),
    ).rejects.toMatchObject({ code: 'SESSION_EXPIRED' })
    await expect(t.engine.invoke('auth.signIn', { staffId: added.id, pin: '135790' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })

    const ownerId = await staffId('owner')
    await expect(t.engine.invoke('staff.update', { id: ownerId, role: 'manager' }, owner)).rejects.toMatchObject({
      code: 'INVALID_STATE',
    })
    for (const pin of ['123', '1234567', '12a4', ''])
      await expect(t.engine.invoke('staff.create', { name: '钱', role: 'cashier', pin }, owner)).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      })
    const audit = (await t.engine.invoke('audit.list', {}, owner)).entries
    expect(audit.filter((e) => e.entity === 'staff').every((e) => e.actor === ownerId)).toBe(true)
    expect(JSON.stringify(audit)).not.toContain('135790')
  })

  it('a session lapses after twelve idle hours', async () => {
    t = testEngine()
    const cashier = await signedIn('cashier')
    t.clock.advance(11 * 60 * MINUTE)
    await t.engine.invoke('orders.list', {}, cashier)
    t.clock.advance(11 * 60 * MINUTE)
    await t.engine.invoke('orders.list', {}, cashier)
    t.clock.advance(12 * 60 * MINUTE)
    await expect(t.engine.invoke('orders.list', {}, cashier)).rejects.toMatchObject({ code: 'SESSION_EXPIRED' })
  })
})

describe('over HTTP', () => {
  it('X-Hutong-Session acts as the member; the token alone as integration; PIN lockout answers 423', async () => {
    const s = await testServer()
    t = s
    const cashier = await s.signIn('cashier')
    const headers = { 'X-Hutong-Session': cashier }
    const created = await s.asIntegration('POST', '/api/orders', { amountFen: 500 }, headers)
    expect(created.json).toMatchObject({ staffId: expect.stringMatching(/^stf_/) })
    const forbidden = await s.asIntegration('POST', '/api/routing', {}, headers)
    expect([forbidden.status, forbidden.json.error.code]).toEqual([403, 'FORBIDDEN'])
    expect((await s.asIntegration('GET', '/api/staff')).status).toBe(403)
    expect((await s.asIntegration('GET', '/api/auth/me')).json).toMatchObject({ principal: 'integration' })
    expect((await s.asIntegration('GET', '/api/auth/me', undefined, { 'X-Hutong-Session': 'nope' })).status).toBe(401)
    const me = await s.asIntegration('GET', '/api/auth/me', undefined, headers)
    expect(me.json).toMatchObject({ principal: 'staff', staff: { role: 'cashier' }, refundLimitFen: 10_000 })

    const options = (await s.asIntegration('GET', '/api/auth/staff')).json
    const owner = options.staff.find((m: { role: string }) => m.role === 'owner')
    for (let i = 0; i < 4; i++)
      expect((await s.asIntegration('POST', '/api/auth/sign-in', { staffId: owner.id, pin: '1111' })).status).toBe(403)
    const locked = await s.asIntegration('POST', '/api/auth/sign-in', { staffId: owner.id, pin: '1111' })
    expect([locked.status, locked.json.error.code]).toEqual([423, 'LOCKED'])
    // The owner's session from before the lock keeps working.
    expect((await s.api('GET', '/api/staff')).status).toBe(200)
  })
})
