import { z } from 'zod'
import type { WalletId } from '../wallets'

export const GATEWAY_MODES = ['sandbox', 'production'] as const
export type GatewayMode = (typeof GATEWAY_MODES)[number]

export const HttpUrl = z
  .string()
  .max(300)
  .regex(/^https?:\/\/[^\s]+$/, 'an http(s) URL')

export const Pem = z
  .string()
  .max(20_000)
  .regex(
    /^\s*(-----BEGIN [A-Z0-9 ]+-----[\s\S]+-----END [A-Z0-9 ]+-----|[A-Za-z0-9+/=\s]{100,})\s*$/,
    'a PEM block, or the bare base64 key Alipay hands out',
  )

/** What the HTTP route answers a wallet's notification with, in the form that wallet expects. */
export interface NotificationReply {
  status: number
  contentType: string
  body: string
}

export type NotificationOutcome = { ok: true } | { ok: false; status: number; code: string; message: string }

/**
 * What everyone may know of a real wallet provider (the engine, the server, the console): who it takes money
 * for, the credentials it needs, its gateways, how it wants notifications answered, what it can do. The
 * adapter itself, which signs and talks to the gateway, lives in the engine's provider folder of the same id.
 */
export interface ProviderFacts {
  /** Adapter key prefix and notification path: `/api/notify/<id>:<mode>`. */
  id: string
  /** The wallet the merchant files this provider's credentials under (settings card, credentials API path). */
  wallet: WalletId
  /** The wallets whose payments go through this provider. */
  wallets: readonly WalletId[]
  credentials: {
    /** The merchant's input: a strict object whose `wallet` is the literal `wallet` above. */
    input: z.ZodObject
    /** Write-only fields: encrypted at rest, never returned; left out of an update, the stored value stays. */
    secretFields: readonly { name: string; required: boolean }[]
  }
  gateways: Readonly<Record<GatewayMode, string>>
  notificationReply(outcome: NotificationOutcome): NotificationReply
  capabilities: { qr: boolean; paymentCode: boolean; refunds: boolean; bills: boolean; installments: boolean }
}

/** The JSON answer most wallets expect: `{"code":"SUCCESS"}`, or FAIL with the reason and the status. */
export function jsonNotificationReply(outcome: NotificationOutcome): NotificationReply {
  const body = outcome.ok
    ? { code: 'SUCCESS', message: 'OK' }
    : { code: 'FAIL', message: outcome.message, error: { code: outcome.code, message: outcome.message } }
  return { status: outcome.ok ? 200 : outcome.status, contentType: 'application/json', body: JSON.stringify(body) }
}
