import { z } from 'zod'

const Timestamp = z.iso.datetime()

export const DEVICE_KINDS = ['till', 'display'] as const
export type DeviceKind = (typeof DEVICE_KINDS)[number]

/** How long a pairing code can be redeemed, and how many wrong codes the store takes before it pauses pairing. */
export const PAIRING_CODE_TTL_MS = 5 * 60_000
export const PAIRING_FAILURE_LIMIT = 10
export const PAIRING_LOCK_MS = 5 * 60_000

export const Device = z
  .object({
    id: z.string(),
    kind: z.enum(DEVICE_KINDS),
    name: z.string(),
    tillId: z.string().meta({ description: 'The till it is (a till) or follows (a customer display)' }),
    pairedAt: Timestamp,
    pairedBy: z.string().nullable(),
    lastSeenAt: Timestamp.nullable(),
    revokedAt: Timestamp.nullable(),
    revokedBy: z.string().nullable(),
  })
  .meta({ id: 'Device' })

export const CreatePairingCodeInput = z.strictObject({
  kind: z.enum(DEVICE_KINDS),
  name: z.string().trim().min(1).max(30).meta({ description: 'What the device will be called (收银台 2, 客显 1)' }),
  tillId: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .meta({ description: "A display's till (default: the signed-in member's); a new till gets its own" }),
})

export const PairingCode = z
  .object({
    code: z.string().regex(/^\d{6}$/),
    kind: z.enum(DEVICE_KINDS),
    name: z.string(),
    tillId: z.string().nullable(),
    expiresAt: Timestamp,
  })
  .meta({ id: 'PairingCode' })

export const RedeemPairingInput = z.strictObject({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, 'six digits'),
})

export const PairedDevice = z
  .object({
    device: Device,
    /** The device's own credential: sent as `Authorization: Bearer <token>`, shown once. */
    token: z.string(),
  })
  .meta({ id: 'PairedDevice' })
