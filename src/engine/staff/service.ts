import type { OperationParsedInput } from '../../shared/api/operations'
import type { StaffContext } from './context'
import {
  approveRefund,
  approveWithPin,
  changeOwnPin,
  changeStaff,
  createStaff,
  listStaff,
  listTills,
  registerTill,
  updatePermissions,
} from './members'
import { getPermissionSettings } from './permissions'
import type { Principal } from './principal'
import { resolvePrincipal, sessionView, signIn, signInOptions, signOut } from './signIn'

export type { StaffContext } from './context'

/**
 * Staff and tills: `signIn` (PINs, lockout, sessions and the principal a caller acts as) and `members` (staff,
 * permissions, tills, refund approvals) are plain functions taking the context; this binds them.
 */
export function createStaffService(ctx: StaffContext) {
  return {
    signInOptions: () => signInOptions(ctx),
    signIn: (input: OperationParsedInput<'auth.signIn'>) => signIn(ctx, input),
    signOut: (principal: Principal) => signOut(ctx, principal),
    me: (principal: Principal) => sessionView(ctx, principal),
    changePin: (principal: Principal, input: OperationParsedInput<'auth.changePin'>) =>
      changeOwnPin(ctx, principal, input),
    resolve: (caller: { session: string | null; integration: boolean }) => resolvePrincipal(ctx, caller),
    list: () => listStaff(ctx),
    create: (input: OperationParsedInput<'staff.create'>) => createStaff(ctx, input),
    update: (input: OperationParsedInput<'staff.update'>) => changeStaff(ctx, input),
    permissions: () => getPermissionSettings(ctx.db),
    updatePermissions: (input: OperationParsedInput<'permissions.update'>) => updatePermissions(ctx, input),
    registerTill: (input: OperationParsedInput<'tills.register'>) => registerTill(ctx, input),
    listTills: () => listTills(ctx),
    approveRefund: (
      principal: Principal,
      amountFen: number,
      approval: OperationParsedInput<'refunds.create'>['approval'],
    ) => approveRefund(ctx, principal, amountFen, approval),
    approveWithPin: (principal: Principal, approval: { staffId: string; pin: string }) =>
      approveWithPin(ctx, principal, approval),
  }
}

export type StaffService = ReturnType<typeof createStaffService>
