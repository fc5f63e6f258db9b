import type { OperationInput, OperationOutput } from '../../../shared/api/operations'
import { AlipayCredentialsInput, WechatPayCredentialsInput } from '../../../shared/api/schemas'
import { CONNECTION_TEST_CODES, DEFAULT_GATEWAYS } from '../../../shared/gateways'
import type { ProviderMode, WalletId } from '../../../shared/wallets'
import { inFieldOrder, type FormError, type FormErrorCode, type FormResult } from './formErrors'
import { checkWithSchema, type IssueRule } from './schemaIssues'

/**
 * The real-wallet credentials forms: public fields edited as text, secrets write-only (an empty field keeps
 * the stored value), keys pasted as PEM or as the bare base64 Alipay's key tool hands out.
 */

export type GatewayMode = 'sandbox' | 'production'
export type CredentialWallet = 'wechat' | 'alipay'
export type CredentialsStatus = OperationOutput<'credentials.get'>
export type CredentialsInput = OperationInput<'credentials.set'>
export type ConnectionTestResult = OperationOutput<'wallets.testConnection'>
export type TestableWallet = OperationInput<'wallets.testConnection'>['wallet']

export const GATEWAY_MODES: readonly GatewayMode[] = ['sandbox', 'production']

/** What the engine uses when no gateway URL is given (WeChat Pay v3 has one gateway for both). */
export const DEFAULT_GATEWAY_URLS: Record<CredentialWallet, Record<GatewayMode, string>> = DEFAULT_GATEWAYS

export const MAX_PLATFORM_KEYS = 10

/** Whose credentials a wallet uses: Huabei runs on Alipay's; wallets without a real adapter have none. */
export function credentialWalletFor(wallet: WalletId): CredentialWallet | null {
  if (wallet === 'wechat') return 'wechat'
  if (wallet === 'alipay' || wallet === 'huabei') return 'alipay'
  return null
}

export function testableWallet(wallet: WalletId): TestableWallet | null {
  return wallet === 'wechat' || wallet === 'alipay' || wallet === 'huabei' ? wallet : null
}

export function isGatewayMode(mode: ProviderMode): mode is GatewayMode {
  return mode === 'sandbox' || mode === 'production'
}

export function credentialsKey(wallet: string, mode: GatewayMode): string {
  return `${wallet}:${mode}`
}

export interface PlatformKeyDraft {
  serial: string
  publicKeyPem: string
}

export interface WechatCredentialsDraft {
  wallet: 'wechat'
  /** Empty: the default gateway. */
  gatewayUrl: string
  mchId: string
  appId: string
  merchantSerialNo: string
  merchantPrivateKeyPem: string
  apiV3Key: string
  apiV2Key: string
  platformKeys: PlatformKeyDraft[]
  notifyUrl: string
}

export interface AlipayCredentialsDraft {
  wallet: 'alipay'
  gatewayUrl: string
  appId: string
  appPrivateKeyPem: string
  alipayPublicKeyPem: string
  notifyUrl: string
}

export type CredentialsDraft = WechatCredentialsDraft | AlipayCredentialsDraft

export type SecretField = 'merchantPrivateKeyPem' | 'apiV3Key' | 'apiV2Key' | 'appPrivateKeyPem'

/** The write-only fields of each wallet, and whether the engine needs one stored before it will save. */
export const SECRET_FIELDS: Record<CredentialWallet, { name: SecretField; required: boolean }[]> = {
  wechat: [
    { name: 'merchantPrivateKeyPem', required: true },
    { name: 'apiV3Key', required: true },
    { name: 'apiV2Key', required: false },
  ],
  alipay: [{ name: 'appPrivateKeyPem', required: true }],
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : ''
}

/** A form for the stored credentials (secrets always empty), or a blank one. */
export function toCredentialsDraft(
  wallet: CredentialWallet,
  mode: GatewayMode,
  status: CredentialsStatus | null,
): CredentialsDraft {
  const fields = status?.publicFields ?? {}
  const stored = status?.gatewayUrl ?? ''
  const gatewayUrl = stored === DEFAULT_GATEWAY_URLS[wallet][mode] ? '' : stored
  if (wallet === 'wechat') {
    const keys = Array.isArray(fields['platformKeys']) ? (fields['platformKeys'] as unknown[]) : []
    const platformKeys = keys.map((k) => {
      const key = (typeof k === 'object' && k !== null ? k : {}) as Record<string, unknown>
      return { serial: text(key['serial']), publicKeyPem: text(key['publicKeyPem']) }
    })
    return {
      wallet,
      gatewayUrl,
      mchId: text(fields['mchId']),
      appId: text(fields['appId']),
      merchantSerialNo: text(fields['merchantSerialNo']),
      merchantPrivateKeyPem: '',
      apiV3Key: '',
      apiV2Key: '',
      platformKeys: platformKeys.length > 0 ? platformKeys : [{ serial: '', publicKeyPem: '' }],
      notifyUrl: text(fields['notifyUrl']),
    }
  }
  return {
    wallet,
    gatewayUrl,
    appId: text(fields['appId']),
    appPrivateKeyPem: '',
    alipayPublicKeyPem: text(fields['alipayPublicKeyPem']),
    notifyUrl: text(fields['notifyUrl']),
  }
}

export type PemKind = 'private' | 'public'

function derLabel(base64: string, kind: PemKind): string {
  const fallback = kind === 'private' ? 'PRIVATE KEY' : 'PUBLIC KEY'
  let bytes: number[]
  try {
    bytes = Array.from(atob(base64.slice(0, 64)), (c) => c.charCodeAt(0))
  } catch {
    return fallback
  }
  // Skip the outer SEQUENCE header to reach its first element.
  if (bytes[0] !== 0x30 || bytes[1] === undefined) return fallback
  let p = 2 + (bytes[1] & 0x80 ? bytes[1] & 0x7f : 0)
  if (kind === 'private') {
    // PKCS#8: INTEGER 0, then SEQUENCE (algorithm). PKCS#1: INTEGER 0, then INTEGER (modulus).
    if (bytes[p] !== 0x02 || bytes[p + 1] === undefined) return fallback
    p += 2 + bytes[p + 1]!
    return bytes[p] === 0x02 ? 'RSA PRIVATE KEY' : 'PRIVATE KEY'
  }
  // SPKI opens with a short AlgorithmIdentifier SEQUENCE; a certificate with a long tbsCertificate;
  // PKCS#1 with the modulus INTEGER.
  if (bytes[p] === 0x02) return 'RSA PUBLIC KEY'
  if (bytes[p] === 0x30 && bytes[p + 1] !== undefined && bytes[p + 1]! & 0x80) return 'CERTIFICATE'
  return 'PUBLIC KEY'
}

/**
 * A pasted key as PEM: a PEM block is kept as it is (line endings normalised); bare base64 is wrapped in
 * 64-character lines under the header its DER structure calls for. Null when it is neither.
 */
export function normalizePem(input: string, kind: PemKind): string | null {
  const trimmed = input.replace(/\r\n?/g, '\n').trim()
  if (trimmed === '') return null
  if (/^-----BEGIN [A-Z0-9 ]+-----\n?[\s\S]+-----END [A-Z0-9 ]+-----$/.test(trimmed)) return trimmed
  const base64 = trimmed.replace(/\s+/g, '')
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length % 4 !== 0 || base64.length < 100) return null
  const label = derLabel(base64, kind)
  const lines = base64.match(/.{1,64}/g) ?? []
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----`
}

/** Empty text is left out (undefined). */
function optional(value: string): string | undefined {
  const v = value.trim()
  return v === '' ? undefined : v
}

/** A pasted key as PEM; text that is no key is kept as typed, with an error. */
function pemField(value: string, kind: PemKind, field: string, errors: FormError[]): string {
  const v = value.trim()
  if (v === '') return ''
  const pem = normalizePem(v, kind)
  if (pem === null) errors.push({ field, code: 'INVALID_PEM' })
  return pem ?? v
}

/** A secret as typed: empty keeps the stored one (undefined), unless none is stored and the engine needs it. */
function secret(
  value: string,
  field: string,
  isSet: boolean,
  required: boolean,
  errors: FormError[],
): string | undefined {
  const v = optional(value)
  if (v === undefined && required && !isSet) errors.push({ field, code: 'REQUIRED' })
  return v
}

const CREDENTIAL_ISSUES: IssueRule[] = [
  { field: /^(gatewayUrl|notifyUrl)$/, code: 'INVALID_URL' },
  { field: /^mchId$/, code: 'INVALID_MCH_ID' },
  { field: /^merchantSerialNo$/, code: 'INVALID_SERIAL' },
  { field: /^apiV[23]Key$/, code: 'INVALID_KEY_LENGTH' },
  { field: /Pem$/, kinds: ['invalid_format'], code: 'INVALID_PEM' },
  { field: /^platformKeys$/, kinds: ['too_big'], code: 'TOO_MANY_KEYS' },
]

/** The order the form reports problems in. */
const FIELD_ORDER = [
  'gatewayUrl',
  'notifyUrl',
  'mchId',
  'appId',
  'merchantSerialNo',
  'merchantPrivateKeyPem',
  'apiV3Key',
  'apiV2Key',
  'platformKeys',
  'serial',
  'publicKeyPem',
  'appPrivateKeyPem',
  'alipayPublicKeyPem',
]

/** The `credentials.set` body for a form, or the problems that stop it being saved. */
export function fromCredentialsDraft(
  mode: GatewayMode,
  draft: CredentialsDraft,
  secretsSet: Readonly<Record<string, boolean>>,
): FormResult<CredentialsInput> {
  const errors: FormError[] = []
  const gatewayUrl = optional(draft.gatewayUrl)
  const common = {
    mode,
    ...(gatewayUrl !== undefined ? { gatewayUrl } : {}),
    notifyUrl: optional(draft.notifyUrl) ?? null,
  }
  const privateKey = (text: string, field: string): string | undefined => {
    const typed = secret(text, field, Boolean(secretsSet[field]), true, errors)
    return typed === undefined ? undefined : pemField(typed, 'private', field, errors)
  }
  let result: FormResult<CredentialsInput>
  if (draft.wallet === 'wechat') {
    const merchantPrivateKeyPem = privateKey(draft.merchantPrivateKeyPem, 'merchantPrivateKeyPem')
    const apiV3Key = secret(draft.apiV3Key, 'apiV3Key', Boolean(secretsSet['apiV3Key']), true, errors)
    const apiV2Key = secret(draft.apiV2Key, 'apiV2Key', Boolean(secretsSet['apiV2Key']), false, errors)
    // Rows left blank are not sent; the schema's row numbers are the filled rows'.
    const filled = draft.platformKeys
      .map((k, i) => ({ ...k, i }))
      .filter((k) => k.serial.trim() !== '' || k.publicKeyPem.trim() !== '')
    const value: CredentialsInput = {
      wallet: 'wechat',
      ...common,
      mchId: draft.mchId.trim(),
      appId: draft.appId.trim(),
      merchantSerialNo: draft.merchantSerialNo.trim(),
      ...(merchantPrivateKeyPem !== undefined ? { merchantPrivateKeyPem } : {}),
      ...(apiV3Key !== undefined ? { apiV3Key } : {}),
      ...(apiV2Key !== undefined ? { apiV2Key } : {}),
      platformKeys: filled.map((k) => ({
        serial: k.serial.trim(),
        publicKeyPem: pemField(k.publicKeyPem, 'public', `platformKeys.${k.i}.publicKeyPem`, errors),
      })),
    }
    const field = (path: string): string =>
      path.replace(/^platformKeys\.(\d+)/, (_, j: string) => `platformKeys.${filled[Number(j)]?.i ?? j}`)
    result = checkWithSchema(
      WechatPayCredentialsInput,
      value,
      { field, rules: [...CREDENTIAL_ISSUES, { field: /^appId$/, code: 'INVALID_WECHAT_APPID' }] },
      errors,
    )
  } else {
    const appPrivateKeyPem = privateKey(draft.appPrivateKeyPem, 'appPrivateKeyPem')
    const value: CredentialsInput = {
      wallet: 'alipay',
      ...common,
      appId: draft.appId.trim(),
      ...(appPrivateKeyPem !== undefined ? { appPrivateKeyPem } : {}),
      alipayPublicKeyPem: pemField(draft.alipayPublicKeyPem, 'public', 'alipayPublicKeyPem', errors),
    }
    result = checkWithSchema(
      AlipayCredentialsInput,
      value,
      { rules: [...CREDENTIAL_ISSUES, { field: /^appId$/, code: 'INVALID_ALIPAY_APPID' }] },
      errors,
    )
  }
  return result.ok ? result : { ok: false, errors: inFieldOrder(result.errors, FIELD_ORDER) }
}

/** The engine's key problem codes, as the form's error codes. */
const ISSUE_CODES: Record<string, FormErrorCode> = {
  REQUIRED: 'REQUIRED',
  KEY_TOO_SHORT: 'KEY_TOO_SHORT',
  NOT_RSA: 'KEY_NOT_RSA',
  UNREADABLE_KEY: 'KEY_UNREADABLE',
}

/** The engine's validation details for a credentials save, coded where the form has words for them. */
export function credentialIssuesToFormErrors(details: unknown): FormError[] {
  if (!Array.isArray(details)) return []
  return details.flatMap((issue: unknown) => {
    if (typeof issue !== 'object' || issue === null) return []
    const { path, message, code: engineCode } = issue as { path?: unknown; message?: unknown; code?: unknown }
    if (typeof path !== 'string' || typeof message !== 'string') return []
    const code = typeof engineCode === 'string' ? ISSUE_CODES[engineCode] : undefined
    return [code ? { field: path, code } : { field: path, code: 'SERVER' as const, message }]
  })
}

export { CONNECTION_TEST_CODES }

/** The message key explaining a connection-test result; codes the console does not know get a generic one. */
export function connectionTestKey(code: string): string {
  return (CONNECTION_TEST_CODES as readonly string[]).includes(code)
    ? `settings.credentials.test.codes.${code}`
    : 'settings.credentials.test.codes.UNKNOWN'
}

/** What switching a wallet to a mode needs the merchant to confirm, or null when nothing does. */
export function modeSwitchWarnings(
  wallet: WalletId,
  from: ProviderMode,
  to: ProviderMode,
  configured: boolean,
): ('realMoney' | 'noCredentials' | 'noAdapter')[] {
  if (from === to || !isGatewayMode(to) || wallet === 'cash') return []
  const warnings: ('realMoney' | 'noCredentials' | 'noAdapter')[] = []
  if (to === 'production') warnings.push('realMoney')
  if (credentialWalletFor(wallet) === null) warnings.push('noAdapter')
  else if (!configured) warnings.push('noCredentials')
  return warnings
}
