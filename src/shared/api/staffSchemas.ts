import { z } from 'zod'
import { MAX_AMOUNT_FEN } from '../money'
import { PERMISSIONS, PIN_PATTERN, STAFF_ROLES } from '../staff'

const Timestamp = z.iso.datetime()
const Id = z.string().min(1).max(64)
const Name = z.string().trim().min(1).max(40)
export const Pin = z.string().regex(PIN_PATTERN, 'a PIN is 4 to 6 digits').meta({ description: 'A 4–6 digit PIN' })
const PermissionList = z.array(z.enum(PERMISSIONS)).max(PERMISSIONS.length)

export const StaffMember = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(STAFF_ROLES),
    active: z.boolean(),
    usesDemoPin: z.boolean().meta({ description: 'Still signs in with the demo store’s published PIN' }),
    lockedUntil: Timestamp.nullable().meta({ description: 'Five wrong PINs lock a member for five minutes' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'StaffMember' })

export const SignInOptions = z
  .object({
    demo: z.boolean().meta({ description: 'Every wallet is simulated: the demo PINs are shown' }),
    staff: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        role: z.enum(STAFF_ROLES),
        demoPin: z.string().nullable(),
        lockedUntil: Timestamp.nullable(),
      }),
    ),
  })
  .meta({ id: 'SignInOptions' })

export const SessionView = z
  .object({
    principal: z.enum(['staff', 'integration', 'system', 'anonymous']),
    staff: z.object({ id: z.string(), name: z.string(), role: z.enum(STAFF_ROLES) }).nullable(),
    tillId: z.string().nullable(),
    permissions: PermissionList,
    refundLimitFen: z.number().int().nullable(),
    pinChangeRequired: z.boolean(),
    autoLockMinutes: z.number().int(),
  })
  .meta({ id: 'Session' })

export const SignInInput = z.strictObject({ staffId: Id, pin: Pin, tillId: Id.optional() })
export const SignedIn = z
  .object({ token: z.string().meta({ description: 'Send as the X-Hutong-Session header' }), session: SessionView })
  .meta({ id: 'SignedIn' })

export const ChangePinInput = z.strictObject({ currentPin: Pin, newPin: Pin })

export const CreateStaffInput = z.strictObject({ name: Name, role: z.enum(STAFF_ROLES), pin: Pin })
export const UpdateStaffInput = z.strictObject({
  id: Id,
  name: Name.optional(),
  role: z.enum(STAFF_ROLES).optional(),
  active: z.boolean().optional(),
  pin: Pin.optional(),
})

/** A manager's (or the owner's) PIN, given on the cashier's screen for a refund above the cashier's limit. */
export const Approval = z.strictObject({ staffId: Id, pin: Pin })

export const PermissionSettings = z
  .strictObject({
    manager: PermissionList,
    cashier: PermissionList,
    integration: PermissionList,
    cashierRefundLimitFen: z.number().int().min(0).max(MAX_AMOUNT_FEN),
    autoLockMinutes: z.number().int().min(1).max(240),
    shiftDifferenceLimitFen: z.number().int().min(0).max(MAX_AMOUNT_FEN).default(1000),
  })
  .superRefine((value, ctx) => {
    for (const who of ['manager', 'cashier', 'integration'] as const) {
      if (value[who].includes('staff'))
        ctx.addIssue({ code: 'custom', path: [who], message: 'managing staff is the owner’s alone' })
    }
  })
  .meta({ id: 'PermissionSettings' })

export const Till = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(['desktop', 'browser']),
    createdAt: Timestamp,
    lastSeenAt: Timestamp,
  })
  .meta({ id: 'Till' })

export const RegisterTillInput = z.strictObject({
  name: z.string().trim().min(1).max(30),
  kind: z.enum(['desktop', 'browser']),
})
