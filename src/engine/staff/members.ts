import type { z } from 'zod'
import type {
  ChangePinInput,
  CreateStaffInput,
  PermissionSettings,
  RegisterTillInput,
  SessionView,
  StaffMember,
  Till,
  UpdateStaffInput,
} from '../../shared/api/staffSchemas'
import { EngineError } from '../../shared/errors'
import { toIso, toIsoOrNull } from '../clock'
import { appendAudit } from '../config/audit'
import type { StaffContext } from './context'
import { getPermissionSettings, savePermissionSettings } from './permissions'
import { hashPin } from './pins'
import type { Principal } from './principal'
import {
  countActiveOwners,
  findTillByName,
  getStaffRow,
  insertStaff,
  insertTill,
  listStaffRows,
  listTillRows,
  updateStaff,
  type StaffRow,
  type TillRow,
} from './queries'
import { clearPinChange, endSessionsOf } from './sessions'
import { checkPin, sessionView } from './signIn'

export function staffView(row: StaffRow, now: number): z.output<typeof StaffMember> {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    active: row.active === 1,
    usesDemoPin: row.demo_pin !== null,
    lockedUntil: row.locked_until !== null && row.locked_until > now ? toIsoOrNull(row.locked_until) : null,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  }
}

export function listStaff(ctx: StaffContext): z.output<typeof StaffMember>[] {
  const now = ctx.clock.now()
  return listStaffRows(ctx.db).map((row) => staffView(row, now))
}

export async function createStaff(
  ctx: StaffContext,
  input: z.output<typeof CreateStaffInput>,
): Promise<z.output<typeof StaffMember>> {
  const pinHash = await hashPin(input.pin)
  const id = ctx.newId('stf')
  return ctx.events.unitOfWork(() => {
    const now = ctx.clock.now()
    insertStaff(ctx.db, { id, name: input.name, role: input.role, pinHash, demoPin: null }, now)
    appendAudit(ctx.db, {
      entity: 'staff',
      entityId: id,
      before: null,
      after: { name: input.name, role: input.role },
      at: now,
    })
    return staffView(requireMember(ctx, id), now)
  })
}

/** Name, role, PIN or whether the member may sign in; a new PIN or a member turned away ends their sessions. */
export async function changeStaff(
  ctx: StaffContext,
  input: z.output<typeof UpdateStaffInput>,
): Promise<z.output<typeof StaffMember>> {
  const seen = requireMember(ctx, input.id)
  const pinHash = input.pin === undefined ? null : await hashPin(input.pin)
  return ctx.events.unitOfWork(() => {
    const now = ctx.clock.now()
    const change = {
      name: input.name ?? seen.name,
      role: input.role ?? seen.role,
      active: input.active ?? seen.active === 1,
      pinHash,
    }
    if (!updateStaff(ctx.db, seen.id, seen.updated_at, change, now)) {
      throw new EngineError('CONCURRENT_UPDATE', `${seen.name} was changed meanwhile: look again`)
    }
    if (countActiveOwners(ctx.db) === 0) throw new EngineError('INVALID_STATE', 'the store keeps at least one owner')
    if (pinHash !== null || !change.active) endSessionsOf(ctx.db, seen.id, now)
    appendAudit(ctx.db, {
      entity: 'staff',
      entityId: seen.id,
      before: { name: seen.name, role: seen.role, active: seen.active === 1 },
      after: { name: change.name, role: change.role, active: change.active, pinChanged: pinHash !== null },
      at: now,
    })
    return staffView(requireMember(ctx, seen.id), now)
  })
}

/** A member's own new PIN, given the current one (which counts towards the lockout like any other). */
export async function changeOwnPin(
  ctx: StaffContext,
  principal: Principal,
  input: z.output<typeof ChangePinInput>,
): Promise<z.output<typeof SessionView>> {
  if (principal.kind !== 'staff') throw new EngineError('FORBIDDEN', 'only a signed-in staff member has a PIN')
  const member = await checkPin(ctx, principal.staffId, input.currentPin)
  if (member.demo_pin === input.newPin || input.newPin === input.currentPin) {
    throw new EngineError('VALIDATION_FAILED', 'choose a PIN other than the current one', { field: 'newPin' })
  }
  const pinHash = await hashPin(input.newPin)
  ctx.events.unitOfWork(() => {
    const now = ctx.clock.now()
    const current = requireMember(ctx, member.id)
    const change = { name: current.name, role: current.role, active: true, pinHash }
    if (!updateStaff(ctx.db, current.id, current.updated_at, change, now))
      throw new EngineError('CONCURRENT_UPDATE', 'the PIN was changed meanwhile')
    clearPinChange(ctx.db, principal.sessionId)
    appendAudit(ctx.db, { entity: 'staff', entityId: current.id, before: null, after: { pinChanged: true }, at: now })
  })
  return sessionView(ctx, { ...principal, pinChangeRequired: false })
}

function requireMember(ctx: StaffContext, id: string): StaffRow {
  const row = getStaffRow(ctx.db, id)
  if (!row) throw new EngineError('NOT_FOUND', `no staff member ${id}`)
  return row
}

export function updatePermissions(
  ctx: StaffContext,
  input: z.output<typeof PermissionSettings>,
): z.output<typeof PermissionSettings> {
  return ctx.events.unitOfWork(() => {
    const before = getPermissionSettings(ctx.db)
    savePermissionSettings(ctx.db, input)
    appendAudit(ctx.db, { entity: 'permissions', entityId: 'staff', before, after: input, at: ctx.clock.now() })
    return getPermissionSettings(ctx.db)
  })
}

function tillView(row: TillRow): z.output<typeof Till> {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    createdAt: toIso(row.created_at),
    lastSeenAt: toIso(row.last_seen_at),
  }
}

/** Names a till; a name already taken returns that till (a browser paired again keeps its name). */
export function registerTill(ctx: StaffContext, input: z.output<typeof RegisterTillInput>): z.output<typeof Till> {
  return ctx.events.unitOfWork(() => {
    const existing = findTillByName(ctx.db, input.name)
    if (existing) return tillView(existing)
    const id = ctx.newId('til')
    insertTill(ctx.db, { id, name: input.name, kind: input.kind }, ctx.clock.now())
    return tillView({
      id,
      name: input.name,
      kind: input.kind,
      created_at: ctx.clock.now(),
      last_seen_at: ctx.clock.now(),
    })
  })
}

export function listTills(ctx: StaffContext): z.output<typeof Till>[] {
  return listTillRows(ctx.db).map(tillView)
}

/**
 * Who approves a refund: nobody needed within the principal's limit; above it, a member whose own powers cover
 * the amount, by PIN on the same screen. Returns the approver's id, or null.
 */
export async function approveRefund(
  ctx: StaffContext,
  principal: Principal,
  amountFen: number,
  approval: { staffId: string; pin: string } | undefined,
): Promise<string | null> {
  const limit = principal.kind === 'staff' || principal.kind === 'integration' ? principal.refundLimitFen : null
  if (limit === null || amountFen <= limit) return null
  if (!approval) {
    throw new EngineError('APPROVAL_REQUIRED', `a refund above ${limit} fen needs a manager's PIN`, {
      limitFen: limit,
      amountFen,
    })
  }
  return approveWithPin(ctx, principal, approval)
}

/**
 * A manager's (or the owner's) PIN given on another member's screen: checked like a sign-in (wrong ones count
 * towards the approver's lockout). Nobody approves their own request. Returns the approver's id.
 */
export async function approveWithPin(
  ctx: StaffContext,
  principal: Principal,
  approval: { staffId: string; pin: string },
): Promise<string> {
  const approver = await checkPin(ctx, approval.staffId, approval.pin)
  const mayApprove = approver.role === 'owner' || approver.role === 'manager'
  if (!mayApprove || (principal.kind === 'staff' && approver.id === principal.staffId)) {
    throw new EngineError('FORBIDDEN', `${approver.name} cannot approve this`, { permission: 'approve' })
  }
  return approver.id
}
