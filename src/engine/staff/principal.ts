import { AsyncLocalStorage } from 'node:async_hooks'
import { INTEGRATION_PRINCIPAL, type Permission, type StaffRole } from '../../shared/staff'
import type { Access } from '../../shared/api/access'

/** Who an operation runs for. */
export type Principal =
  | { kind: 'system' }
  | { kind: 'anonymous' }
  | { kind: 'integration'; permissions: readonly Permission[]; refundLimitFen: number | null }
  | {
      kind: 'staff'
      staffId: string
      name: string
      role: StaffRole
      sessionId: string
      tillId: string | null
      permissions: readonly Permission[]
      /** The largest refund this member makes without a manager's approval; null: no limit. */
      refundLimitFen: number | null
      /** Signed in with a published demo PIN while a real wallet is live: only changing it is allowed. */
      pinChangeRequired: boolean
    }

export const SYSTEM: Principal = { kind: 'system' }

/** Whether a principal may run an operation with this access rule. */
export function allows(principal: Principal, access: Access): boolean {
  if (access === 'public' || principal.kind === 'system') return true
  if (principal.kind === 'anonymous') return false
  if (access === 'signedIn') return principal.kind === 'staff'
  if (principal.kind === 'staff' && principal.pinChangeRequired) return false
  return principal.permissions.includes(access)
}

/** What "who did it" records: a staff member (and till), `integration`, or nobody (the engine itself). */
export interface Actor {
  staffId: string | null
  tillId: string | null
}

const NOBODY: Actor = { staffId: null, tillId: null }

export function actorOf(principal: Principal): Actor {
  if (principal.kind === 'staff') return { staffId: principal.staffId, tillId: principal.tillId }
  if (principal.kind === 'integration') return { staffId: INTEGRATION_PRINCIPAL, tillId: null }
  return NOBODY
}

// The actor travels with the operation's async context rather than through every service signature: the rows it
// stamps (orders, payments, audit entries) are written deep inside the services, and work the engine starts on
// its own (sweeps, automatic refunds) then records nobody, as it should.
const acting = new AsyncLocalStorage<Actor>()

export function runAs<T>(principal: Principal, work: () => T): T {
  return acting.run(actorOf(principal), work)
}

export function currentActor(): Actor {
  return acting.getStore() ?? NOBODY
}
