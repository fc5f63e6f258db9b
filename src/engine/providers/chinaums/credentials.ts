import { z } from 'zod'
import { EngineError } from '../../../shared/errors'
import type { GatewayMode } from '../common'
import type { ChinaumsConfig } from './config'

/** Default gateways per mode: the open platform's production gateway and its public test gateway. */
export const CHINAUMS_DEFAULT_GATEWAYS: Readonly<Record<GatewayMode, string>> = {
  production: 'https://api-mop.chinaums.com',
  sandbox: 'https://test-api-open.chinaums.com',
}

/** Write-only fields: stored encrypted, never returned. Left out of an update, the stored value is kept. */
export const CHINAUMS_SECRET_FIELDS: readonly { name: 'appKey' | 'notifyKey'; required: boolean }[] = [
  { name: 'appKey', required: true },
  { name: 'notifyKey', required: true },
]

/** Public fields as stored (everything in the input but mode, gateway and secrets). */
export const CHINAUMS_PUBLIC_FIELDS = ['appId', 'mid', 'tid', 'instMid', 'msgSrcId', 'notifyUrl'] as const

const HttpUrl = z
  .string()
  .max(300)
  .regex(/^https?:\/\/[^\s]+$/, 'an http(s) URL')
/** Keys are printable ASCII without spaces (the platform hands out hex or alphanumeric strings). */
const Key = z
  .string()
  .min(16)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, 'printable characters without spaces')

export const ChinaumsCredentialsInput = z.strictObject({
  wallet: z.literal('unionpay'),
  mode: z.enum(['sandbox', 'production']),
  gatewayUrl: HttpUrl.optional().meta({
    description: 'Default: https://api-mop.chinaums.com (sandbox: https://test-api-open.chinaums.com)',
  }),
  appId: z.string().regex(/^[0-9A-Za-z]{8,64}$/, 'the open-platform AppId: letters and digits'),
  appKey: Key.optional().meta({ description: 'Write-only AppKey; leave out to keep the stored one' }),
  mid: z.string().regex(/^[0-9A-Za-z]{8,20}$/, 'the merchant number (商户号), e.g. 898340149000005'),
  tid: z.string().regex(/^[0-9A-Za-z]{4,16}$/, 'the terminal number (终端号), e.g. 00000001'),
  instMid: z
    .string()
    .regex(/^[0-9A-Z_]{2,32}$/, 'the business type, e.g. QRPAYDEFAULT')
    .default('QRPAYDEFAULT'),
  msgSrcId: z.string().regex(/^[0-9A-Za-z]{4}$/, 'the 4-character source number (来源编号), e.g. 3194'),
  notifyKey: Key.optional().meta({ description: 'Write-only communication key (通讯密钥 / md5Key) of notifications' }),
  notifyUrl: HttpUrl.nullable().default(null).meta({ description: 'A public HTTPS relay for notifications, if any' }),
})

export type ChinaumsCredentials = z.output<typeof ChinaumsCredentialsInput>

/** The public fields of validated input, as a credential store keeps them. */
export function chinaumsPublicFields(input: ChinaumsCredentials): Record<string, string | null> {
  return Object.fromEntries(CHINAUMS_PUBLIC_FIELDS.map((name) => [name, input[name]]))
}

/** Stored credentials as a credential store hands them over: public fields in clear, secrets decrypted. */
export interface StoredChinaumsCredentials {
  mode: GatewayMode
  gatewayUrl: string | null
  publicFields: Record<string, unknown>
  secrets: Record<string, string | null | undefined>
}

function text(fields: Record<string, unknown>, name: string): string {
  const value = fields[name]
  if (typeof value !== 'string' || value === '') {
    throw new EngineError('VALIDATION_FAILED', `${name}: required`, [
      { path: name, message: 'required', code: 'REQUIRED' },
    ])
  }
  return value
}

/** Turns stored public fields and decrypted secrets into the adapter's configuration. */
export function toChinaumsConfig(stored: StoredChinaumsCredentials): ChinaumsConfig {
  const pub = stored.publicFields
  const notifyUrl = pub.notifyUrl
  return {
    mode: stored.mode,
    gatewayUrl: stored.gatewayUrl || CHINAUMS_DEFAULT_GATEWAYS[stored.mode],
    appId: text(pub, 'appId'),
    appKey: text(stored.secrets, 'appKey'),
    mid: text(pub, 'mid'),
    tid: text(pub, 'tid'),
    instMid: typeof pub.instMid === 'string' && pub.instMid ? pub.instMid : 'QRPAYDEFAULT',
    msgSrcId: text(pub, 'msgSrcId'),
    notifyKey: text(stored.secrets, 'notifyKey'),
    notifyUrl: typeof notifyUrl === 'string' && notifyUrl ? notifyUrl : null,
  }
}
