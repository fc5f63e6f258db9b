import { CreateStaffInput, PermissionSettings, UpdateStaffInput } from '../../../shared/api/staffSchemas'
import { fenToYuanString, parseYuanToFen } from '../../../shared/money'
import type { OperationOutput } from '../../../shared/api/operations'
import { PERMISSIONS, type Permission, type StaffRole } from '../../../shared/staff'
import type { FormError, FormResult } from './formErrors'
import { checkWithSchema, type IssueRule } from './schemaIssues'

/** A staff member as the owner edits them; an empty PIN on an existing member keeps their PIN. */
export interface MemberDraft {
  name: string
  role: StaffRole
  active: boolean
  pin: string
}

const PIN_RULES: readonly IssueRule[] = [{ field: /^pin$/, code: 'INVALID_PIN' }]

export function emptyMemberDraft(): MemberDraft {
  return { name: '', role: 'cashier', active: true, pin: '' }
}

export function memberDraft(member: { name: string; role: StaffRole; active: boolean }): MemberDraft {
  return { name: member.name, role: member.role, active: member.active, pin: '' }
}

export function checkNewMember(draft: MemberDraft): FormResult<{ name: string; role: StaffRole; pin: string }> {
  return checkWithSchema(
    CreateStaffInput,
    { name: draft.name.trim(), role: draft.role, pin: draft.pin },
    {
      rules: PIN_RULES,
    },
  )
}

export type MemberChange = { id: string; name?: string; role?: StaffRole; active?: boolean; pin?: string }

/** Only what changed goes to the engine (a new PIN signs the member out everywhere, so none is sent unless typed). */
export function checkMemberChange(
  member: { id: string; name: string; role: StaffRole; active: boolean },
  draft: MemberDraft,
): FormResult<MemberChange> {
  const change: MemberChange = { id: member.id }
  const name = draft.name.trim()
  if (name !== member.name) change.name = name
  if (draft.role !== member.role) change.role = draft.role
  if (draft.active !== member.active) change.active = draft.active
  if (draft.pin !== '') change.pin = draft.pin
  return checkWithSchema(UpdateStaffInput, change, { rules: PIN_RULES })
}

/** The roles whose powers the owner sets (the owner's own are all of them). */
export const CONFIGURABLE_ROLES = ['manager', 'cashier', 'integration'] as const
export type ConfigurableRole = (typeof CONFIGURABLE_ROLES)[number]
/** Managing staff stays the owner's alone, so it is not offered. */
export const GRANTABLE_PERMISSIONS = PERMISSIONS.filter((p) => p !== 'staff')

export type PermissionSettingsData = OperationOutput<'permissions.get'>

/** The permissions form as typed: a yuan amount and a number of minutes are text until checked. */
export interface PermissionsDraft {
  granted: Record<ConfigurableRole, Permission[]>
  refundLimitYuan: string
  autoLockMinutes: string
  /** A cashier's shift difference above this needs a manager's PIN. */
  shiftDifferenceYuan: string
}

export function permissionsDraft(settings: PermissionSettingsData): PermissionsDraft {
  return {
    granted: { manager: [...settings.manager], cashier: [...settings.cashier], integration: [...settings.integration] },
    refundLimitYuan: fenToYuanString(settings.cashierRefundLimitFen),
    autoLockMinutes: String(settings.autoLockMinutes),
    shiftDifferenceYuan: fenToYuanString(settings.shiftDifferenceLimitFen),
  }
}

/** Grants or withdraws one permission of one role, keeping the list in the catalogue's order. */
export function toggleGrant(
  granted: Record<ConfigurableRole, Permission[]>,
  role: ConfigurableRole,
  permission: Permission,
  on: boolean,
): Record<ConfigurableRole, Permission[]> {
  const next = new Set(granted[role])
  if (on) next.add(permission)
  else next.delete(permission)
  return { ...granted, [role]: PERMISSIONS.filter((p) => next.has(p)) }
}

/** The settings to save: the loaded ones (with whatever this form does not show) and what the owner changed. */
export function checkPermissionsDraft(
  loaded: PermissionSettingsData,
  draft: PermissionsDraft,
): FormResult<PermissionSettingsData> {
  const errors: FormError[] = []
  const refundLimitFen = parseYuanToFen(draft.refundLimitYuan)
  if (refundLimitFen === null) errors.push({ field: 'cashierRefundLimitFen', code: 'INVALID_AMOUNT' })
  const minutesText = draft.autoLockMinutes.trim()
  const autoLockMinutes = /^\d{1,4}$/.test(minutesText) ? Number(minutesText) : Number.NaN
  if (Number.isNaN(autoLockMinutes)) errors.push({ field: 'autoLockMinutes', code: 'OUT_OF_RANGE' })
  const shiftDifferenceLimitFen = parseYuanToFen(draft.shiftDifferenceYuan)
  if (shiftDifferenceLimitFen === null) errors.push({ field: 'shiftDifferenceLimitFen', code: 'INVALID_AMOUNT' })
  const settings: PermissionSettingsData = {
    ...loaded,
    ...draft.granted,
    cashierRefundLimitFen: refundLimitFen ?? 0,
    autoLockMinutes: Number.isNaN(autoLockMinutes) ? 0 : autoLockMinutes,
    shiftDifferenceLimitFen: shiftDifferenceLimitFen ?? 0,
  }
  return checkWithSchema(PermissionSettings, settings, {}, errors)
}
