import { DEMO_STAFF } from '../../src/engine/seed/demoStaff'

/** The demo store's members a test signs in as. */
export type DemoRole = 'owner' | 'cashier'

/** A demo member's published PIN (owner 8888, cashier 1234). */
export function demoPin(role: DemoRole): string {
  const member = DEMO_STAFF.find((m) => m.role === role)
  if (!member) throw new Error(`the demo store has no ${role}`)
  return member.pin
}
