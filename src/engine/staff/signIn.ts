import { z } from 'zod'
import type { SessionView, SignInInput, SignInOptions } from '../../shared/api/staffSchemas'
import { EngineError } from '../../shared/errors'
import { PIN_LOCKOUT } from '../../shared/staff'
import { toIsoOrNull } from '../clock'
import { everyWalletSimulated, type StaffContext } from './context'
import { getPermissionSettings, integrationPrincipal, staffPowers } from './permissions'
import { verifyPin } from './pins'
import type { Principal } from './principal'
import {
  clearWrongPins,
  countWrongPin,
  getStaffRow,
  getTillRow,
  listStaffRows,
  lockStaff,
  type StaffRow,
} from './queries'
import { endSession, findSession, sessionNeedsTouch, startSession, touchSession } from './sessions'

export function signInOptions(ctx: StaffContext): z.output<typeof SignInOptions> {
  const demo = everyWalletSimulated(ctx)
  const now = ctx.clock.now()
  return {
    demo,
    staff: listStaffRows(ctx.db)
      .filter((row) => row.active === 1)
      .map((row) => ({
        id: row.id,
        name: row.name,
        role: row.role,
        demoPin: demo ? row.demo_pin : null,
        lockedUntil: row.locked_until !== null && row.locked_until > now ? toIsoOrNull(row.locked_until) : null,
      })),
  }
}

/**
 * A member's PIN, checked: five wrong ones in a row lock the member for five minutes (a right one clears the
 * count). The slow hash runs before the books are touched; the count is kept in one unit of work after it.
 */
export async function checkPin(ctx: StaffContext, staffId: string, pin: string): Promise<StaffRow> {
  const member = getStaffRow(ctx.db, staffId)
  if (!member || member.active !== 1) throw new EngineError('NOT_FOUND', `no staff member ${staffId} may sign in`)
  requireUnlocked(member, ctx.clock.now())
  const matches = await verifyPin(pin, member.pin_hash)
  const outcome = ctx.events.unitOfWork(() => {
    const now = ctx.clock.now()
    const current = getStaffRow(ctx.db, staffId)
    if (!current || current.active !== 1) return { kind: 'gone' as const }
    if (current.locked_until !== null && current.locked_until > now) return { kind: 'locked' as const, member: current }
    if (matches) {
      clearWrongPins(ctx.db, staffId, now)
      return { kind: 'ok' as const, member: current }
    }
    const wrong = countWrongPin(ctx.db, staffId, now)
    if (wrong < PIN_LOCKOUT.attempts) return { kind: 'wrong' as const, left: PIN_LOCKOUT.attempts - wrong }
    lockStaff(ctx.db, staffId, now + PIN_LOCKOUT.ms, now)
    return { kind: 'locked' as const, member: { ...current, locked_until: now + PIN_LOCKOUT.ms } }
  })
  if (outcome.kind === 'ok') return outcome.member
  if (outcome.kind === 'gone') throw new EngineError('NOT_FOUND', `no staff member ${staffId} may sign in`)
  if (outcome.kind === 'wrong') {
    throw new EngineError('PIN_INCORRECT', 'wrong PIN', { attemptsLeft: outcome.left })
  }
  return requireUnlocked(outcome.member, ctx.clock.now())
}

function requireUnlocked(member: StaffRow, now: number): StaffRow {
  if (member.locked_until !== null && member.locked_until > now) {
    throw new EngineError('LOCKED', `${member.name} is locked after too many wrong PINs`, {
      lockedUntil: new Date(member.locked_until).toISOString(),
    })
  }
  return member
}

export async function signIn(
  ctx: StaffContext,
  input: z.output<typeof SignInInput>,
): Promise<{ token: string; session: z.output<typeof SessionView> }> {
  if (input.tillId !== undefined && !getTillRow(ctx.db, input.tillId))
    throw new EngineError('NOT_FOUND', `no till ${input.tillId}`)
  const member = await checkPin(ctx, input.staffId, input.pin)
  const pinChangeRequired = member.demo_pin !== null && !everyWalletSimulated(ctx)
  const id = ctx.newId('ses')
  const tillId = input.tillId ?? null
  const token = ctx.events.unitOfWork(() =>
    startSession(ctx.db, { id, staffId: member.id, tillId, pinChangeRequired }, ctx.clock.now()),
  )
  return { token, session: sessionView(ctx, staffPrincipal(ctx, member, { id, tillId, pinChangeRequired })) }
}

function staffPrincipal(
  ctx: StaffContext,
  member: StaffRow,
  session: { id: string; tillId: string | null; pinChangeRequired: boolean },
): Principal {
  return {
    kind: 'staff',
    staffId: member.id,
    name: member.name,
    role: member.role,
    sessionId: session.id,
    tillId: session.tillId,
    pinChangeRequired: session.pinChangeRequired,
    ...staffPowers(getPermissionSettings(ctx.db), member),
  }
}

/** Who a transport's caller is: a staff session's member, the integrator token, or nobody yet. */
export function resolvePrincipal(
  ctx: StaffContext,
  caller: { session: string | null; integration: boolean },
): Principal {
  if (caller.session !== null) return sessionPrincipal(ctx, caller.session)
  return caller.integration ? integrationPrincipal(getPermissionSettings(ctx.db)) : { kind: 'anonymous' }
}

function sessionPrincipal(ctx: StaffContext, token: string): Principal {
  const now = ctx.clock.now()
  const session = findSession(ctx.db, token, now)
  const member = session ? getStaffRow(ctx.db, session.staff_id) : null
  if (!session || !member || member.active !== 1) {
    throw new EngineError('SESSION_EXPIRED', 'signed out: sign in again with a PIN')
  }
  if (sessionNeedsTouch(session, now)) ctx.events.unitOfWork(() => touchSession(ctx.db, session.id, now))
  return staffPrincipal(ctx, member, {
    id: session.id,
    tillId: session.till_id,
    pinChangeRequired: session.pin_change_required === 1,
  })
}

export function signOut(ctx: StaffContext, principal: Principal): { signedOut: true } {
  if (principal.kind === 'staff') ctx.events.unitOfWork(() => endSession(ctx.db, principal.sessionId, ctx.clock.now()))
  return { signedOut: true }
}

export function sessionView(ctx: StaffContext, principal: Principal): z.output<typeof SessionView> {
  const settings = getPermissionSettings(ctx.db)
  const base = { autoLockMinutes: settings.autoLockMinutes, pinChangeRequired: false, tillId: null, staff: null }
  if (principal.kind === 'staff') {
    return {
      ...base,
      principal: 'staff',
      staff: { id: principal.staffId, name: principal.name, role: principal.role },
      tillId: principal.tillId,
      permissions: [...principal.permissions],
      refundLimitFen: principal.refundLimitFen,
      pinChangeRequired: principal.pinChangeRequired,
    }
  }
  if (principal.kind === 'integration') {
    return { ...base, principal: 'integration', permissions: [...principal.permissions], refundLimitFen: null }
  }
  return { ...base, principal: principal.kind, permissions: [], refundLimitFen: null }
}
