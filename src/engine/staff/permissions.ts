import type { Database } from 'better-sqlite3'
import { PermissionSettings } from '../../shared/api/staffSchemas'
import {
  DEFAULT_PERMISSION_SETTINGS,
  PERMISSIONS,
  type Permission,
  type PermissionSettingsData,
} from '../../shared/staff'
import { getSetting, setSetting } from '../store/settings'
import type { StaffRow } from './queries'
import type { Principal } from './principal'

const KEY = 'staff.permissions'

export function getPermissionSettings(db: Database): PermissionSettingsData {
  const stored = getSetting(db, KEY)
  if (stored === null) return DEFAULT_PERMISSION_SETTINGS
  return PermissionSettings.parse({ ...DEFAULT_PERMISSION_SETTINGS, ...(JSON.parse(stored) as object) })
}

export function savePermissionSettings(db: Database, settings: PermissionSettingsData): void {
  setSetting(db, KEY, JSON.stringify(settings))
}

/** A signed-in member's powers: the owner's are all of them, the others' as the owner set them. */
export function staffPowers(
  settings: PermissionSettingsData,
  member: Pick<StaffRow, 'role'>,
): { permissions: readonly Permission[]; refundLimitFen: number | null } {
  if (member.role === 'owner') return { permissions: PERMISSIONS, refundLimitFen: null }
  if (member.role === 'manager') return { permissions: settings.manager, refundLimitFen: null }
  return { permissions: settings.cashier, refundLimitFen: settings.cashierRefundLimitFen }
}

export function integrationPrincipal(settings: PermissionSettingsData): Principal {
  return { kind: 'integration', permissions: settings.integration, refundLimitFen: null }
}
