import { describe, expect, it } from 'vitest'
import type { Permission } from '../../../src/shared/staff'
import { afterSignIn, routeAccess, type AccessState } from '../../../src/renderer/src/lib/routeAccess'

function state(overrides: Partial<AccessState> & { permissions?: Permission[] } = {}): AccessState {
  const permissions = overrides.permissions ?? ['view', 'sell', 'cancel', 'refund']
  return {
    paired: true,
    signedIn: true,
    pinChangeRequired: false,
    can: (p) => permissions.includes(p),
    ...overrides,
  }
}

const settings = { name: 'settings', fullPath: '/settings', needs: { permission: 'settings' as const } }
const orders = { name: 'orders', fullPath: '/orders/ord_1', needs: { permission: 'view' as const } }
const signIn = { name: 'sign-in', fullPath: '/sign-in', needs: { public: true } }
const cashier = { name: 'cashier', fullPath: '/', needs: {} }

describe('which screen the console may show', () => {
  it('sends an unpaired browser to pairing, whatever it asked for', () => {
    expect(routeAccess(orders, state({ paired: false }))).toEqual({ name: 'pair' })
    expect(routeAccess(signIn, state({ paired: false }))).toEqual({ name: 'pair' })
  })

  it('asks for a PIN first, and remembers where the console was going', () => {
    expect(routeAccess(orders, state({ signedIn: false }))).toEqual({
      name: 'sign-in',
      query: { redirect: '/orders/ord_1' },
    })
    expect(routeAccess(cashier, state({ signedIn: false }))).toEqual({ name: 'sign-in' })
    expect(routeAccess(signIn, state({ signedIn: false }))).toBe(true)
  })

  it('keeps a member with a demo PIN on the sign-in screen until it is replaced', () => {
    expect(routeAccess(cashier, state({ pinChangeRequired: true }))).toEqual({ name: 'sign-in' })
    expect(routeAccess(signIn, state({ pinChangeRequired: true }))).toBe(true)
  })

  it('sends a member away from a screen they may not use, and from the sign-in once signed in', () => {
    expect(routeAccess(settings, state())).toEqual({ name: 'cashier' })
    expect(routeAccess(settings, state({ permissions: ['view', 'settings'] }))).toBe(true)
    expect(routeAccess(orders, state())).toBe(true)
    expect(routeAccess(signIn, state())).toEqual({ name: 'cashier' })
  })
})

describe('where the console goes after signing in', () => {
  it('back to a path of its own, never elsewhere', () => {
    expect(afterSignIn('/orders/ord_1')).toBe('/orders/ord_1')
    expect(afterSignIn(undefined)).toBe('/')
    expect(afterSignIn('//evil.example/x')).toBe('/')
    expect(afterSignIn('https://evil.example')).toBe('/')
    expect(afterSignIn(['/settings'])).toBe('/')
  })
})
