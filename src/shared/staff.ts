/** Who works the till. The owner may do everything; what managers and cashiers may do is the owner's choice. */
export const STAFF_ROLES = ['owner', 'manager', 'cashier'] as const
export type StaffRole = (typeof STAFF_ROLES)[number]

/**
 * What a principal may do. `view`: read orders, refunds, the catalog and settings (not credentials);
 * `sell`: create orders, take payments, ask a friend to pay; `cancel`: cancel unpaid orders and close payments;
 * `refund`: refund (a cashier up to a limit); `settings`: wallets, routing, credentials, backups, logs, the
 * simulator's faults; `reports`: reports and the audit log; `dayClose`: close the business day; `staff`: staff
 * and permissions (the owner's alone).
 */
export const PERMISSIONS = ['view', 'sell', 'cancel', 'refund', 'settings', 'reports', 'dayClose', 'staff'] as const
export type Permission = (typeof PERMISSIONS)[number]

/** Who is acting: a signed-in staff member, the integrator's token, or the engine itself (sweeps, tests). */
export type PrincipalKind = 'staff' | 'integration' | 'system'

/** The name the integrator's token acts under wherever "who did it" is recorded. */
export const INTEGRATION_PRINCIPAL = 'integration'

/** A PIN: 4 to 6 digits. */
export const PIN_PATTERN = /^\d{4,6}$/

/** Wrong PINs in a row that lock a member, and for how long. */
export const PIN_LOCKOUT = { attempts: 5, ms: 5 * 60_000 } as const

export interface PermissionSettingsData {
  manager: Permission[]
  cashier: Permission[]
  integration: Permission[]
  /** The largest refund a cashier makes alone, in fen; above it a manager's PIN approves it on the same screen. */
  cashierRefundLimitFen: number
  /** Minutes without use after which the console locks and asks for a PIN again. */
  autoLockMinutes: number
  /** A cashier closing a shift whose counted cash is off by more than this (fen) needs a manager's PIN. */
  shiftDifferenceLimitFen: number
}

export const DEFAULT_PERMISSION_SETTINGS: PermissionSettingsData = {
  manager: ['view', 'sell', 'cancel', 'refund', 'reports', 'dayClose'],
  cashier: ['view', 'sell', 'cancel', 'refund'],
  integration: ['view', 'sell', 'cancel', 'refund'],
  cashierRefundLimitFen: 10_000,
  autoLockMinutes: 5,
  shiftDifferenceLimitFen: 1000,
}
