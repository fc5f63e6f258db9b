import type { z } from 'zod'
import { chinaumsFacts, ChinaumsCredentialsInput } from '../../../shared/providers/chinaums'
import { EngineError } from '../../../shared/errors'
import type { GatewayMode } from '../common'
import type { ChinaumsConfig } from './config'

export { ChinaumsCredentialsInput }

/** Default gateways per mode: the open platform's production gateway and its public test gateway. */
export const CHINAUMS_DEFAULT_GATEWAYS: Readonly<Record<GatewayMode, string>> = chinaumsFacts.gateways

/** Write-only fields: stored encrypted, never returned. Left out of an update, the stored value is kept. */
export const CHINAUMS_SECRET_FIELDS = chinaumsFacts.credentials.secretFields

/** Public fields as stored (everything in the input but mode, gateway and secrets). */
export const CHINAUMS_PUBLIC_FIELDS = ['appId', 'mid', 'tid', 'instMid', 'msgSrcId', 'notifyUrl'] as const

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
