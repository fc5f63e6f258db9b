import { z } from 'zod'
import type { OperationInput, OperationOutput } from '../../../shared/api/operations'
import { CONNECTION_TEST_CODES, DEFAULT_GATEWAYS } from '../../../shared/gateways'
import { PROVIDERS, providerOfWallet, type CredentialWallet, type ProviderFacts } from '../../../shared/providers'
import { Pem } from '../../../shared/providers/facts'
import type { ProviderMode, WalletId } from '../../../shared/wallets'
import { inFieldOrder, type FormError, type FormErrorCode, type FormResult } from './formErrors'
import { checkWithSchema, type IssueRule } from './schemaIssues'

/**
 * The real-wallet credentials forms: public fields edited as text, secrets write-only (an empty field keeps
 * the stored value), keys pasted as PEM or as the bare base64 Alipay's key tool hands out.
 */

export type GatewayMode = 'sandbox' | 'production'
export type { CredentialWallet }
export type CredentialsStatus = OperationOutput<'credentials.get'>
export type CredentialsInput = OperationInput<'credentials.set'>
export type ConnectionTestResult = OperationOutput<'wallets.testConnection'>
export type TestableWallet = OperationInput<'wallets.testConnection'>['wallet']

export const GATEWAY_MODES: readonly GatewayMode[] = ['sandbox', 'production']

/** What the engine uses when no gateway URL is given (WeChat Pay v3 has one gateway for both). */
export const DEFAULT_GATEWAY_URLS: Record<CredentialWallet, Record<GatewayMode, string>> = DEFAULT_GATEWAYS

export const MAX_PLATFORM_KEYS = 10

/** Whose credentials a wallet uses (Huabei runs on Alipay's); wallets without a real provider have none. */
export function credentialWalletFor(wallet: WalletId): CredentialWallet | null {
  return (providerOfWallet(wallet)?.wallet as CredentialWallet | undefined) ?? null
}

/** The wallet whose connection can be tested: any wallet a real provider takes payments for. */
export function testableWallet(wallet: WalletId): TestableWallet | null {
  return providerOfWallet(wallet) ? (wallet as TestableWallet) : null
}

function providerFacts(wallet: CredentialWallet): ProviderFacts {
  const facts = PROVIDERS.find((p) => p.wallet === wallet)
  if (!facts) throw new Error(`no provider files credentials under ${wallet}`)
  return facts
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

/**
 * A credentials form: every field of the provider's schema as text (secrets empty until typed over), and
 * lists of keys as rows. Field names are the schema's.
 */
export interface CredentialsDraft {
  wallet: CredentialWallet
  /** Empty: the default gateway. */
  gatewayUrl: string
  notifyUrl: string
  platformKeys?: PlatformKeyDraft[]
  [field: string]: string | PlatformKeyDraft[] | undefined
}

export interface WechatCredentialsDraft extends CredentialsDraft {
  wallet: 'wechat'
  mchId: string
  appId: string
  merchantSerialNo: string
  merchantPrivateKeyPem: string
  apiV3Key: string
  apiV2Key: string
  platformKeys: PlatformKeyDraft[]
}

export interface AlipayCredentialsDraft extends CredentialsDraft {
  wallet: 'alipay'
  appId: string
  appPrivateKeyPem: string
  alipayPublicKeyPem: string
}

export type SecretField = string

/** The write-only fields of each provider, and whether the engine needs one stored before it will save. */
export const SECRET_FIELDS = {} as Record<CredentialWallet, readonly { name: SecretField; required: boolean }[]>
for (const provider of PROVIDERS) SECRET_FIELDS[provider.wallet] = provider.credentials.secretFields

/** How a credential field is edited: plain text, a write-only secret (a key in PEM or a short one), a public key, rows of keys. */
export type CredentialFieldKind = 'text' | 'secret' | 'secretPem' | 'publicPem' | 'keyList'
export interface CredentialFieldSpec {
  name: string
  kind: CredentialFieldKind
  /** The schema has a default or does without it: left empty, it is not sent. */
  optional: boolean
}

/** Fields every provider has, placed by the form itself (the gateway first, the notification relay last). */
const FRAME_FIELDS = new Set(['wallet', 'mode', 'gatewayUrl', 'notifyUrl'])

function unwrapped(schema: z.ZodType): z.ZodType {
  let inner = schema
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable || inner instanceof z.ZodDefault) {
    inner = inner.unwrap() as z.ZodType
  }
  return inner
}

/** The form of a provider's credentials, read from its schema and secret fields, in the schema's order. */
export function credentialFields(wallet: CredentialWallet): CredentialFieldSpec[] {
  const { input, secretFields } = providerFacts(wallet).credentials
  return Object.entries(input.shape as Record<string, z.ZodType>).flatMap(([name, schema]) => {
    if (FRAME_FIELDS.has(name)) return []
    const inner = unwrapped(schema)
    const secret = secretFields.some((f) => f.name === name)
    const kind: CredentialFieldKind = secret
      ? inner === Pem
        ? 'secretPem'
        : 'secret'
      : inner === Pem
        ? 'publicPem'
        : inner instanceof z.ZodArray
          ? 'keyList'
          : 'text'
    return [{ name, kind, optional: schema.safeParse(undefined).success }]
  })
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
  const draft: CredentialsDraft = { wallet, gatewayUrl, notifyUrl: text(fields['notifyUrl']) }
  for (const field of credentialFields(wallet)) {
    if (field.kind === 'keyList') draft[field.name] = keyRows(fields[field.name])
    else draft[field.name] = field.kind === 'secret' || field.kind === 'secretPem' ? '' : text(fields[field.name])
  }
  return draft
}

/** Stored key rows as text, with one blank row to start from when none is stored. */
function keyRows(stored: unknown): PlatformKeyDraft[] {
  const rows = (Array.isArray(stored) ? stored : []).map((k: unknown) => {
    const key = (typeof k === 'object' && k !== null ? k : {}) as Record<string, unknown>
    return { serial: text(key['serial']), publicKeyPem: text(key['publicKeyPem']) }
  })
  return rows.length > 0 ? rows : [{ serial: '', publicKeyPem: '' }]
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

/** Words some providers' AppIDs have of their own (their formats differ); others get the general one. */
const APP_ID_CODES: Partial<Record<CredentialWallet, FormErrorCode>> = {
  wechat: 'INVALID_WECHAT_APPID',
  alipay: 'INVALID_ALIPAY_APPID',
}

/** The order the form reports problems in: the frame first, then the provider's fields, then key-row fields. */
function fieldOrder(fields: readonly CredentialFieldSpec[]): string[] {
  const rows = fields.some((f) => f.kind === 'keyList') ? ['serial', 'publicKeyPem'] : []
  return ['gatewayUrl', 'notifyUrl', ...fields.map((f) => f.name), ...rows]
}

/** The `credentials.set` body for a form, or the problems that stop it being saved. */
export function fromCredentialsDraft(
  mode: GatewayMode,
  draft: CredentialsDraft,
  secretsSet: Readonly<Record<string, boolean>>,
): FormResult<CredentialsInput> {
  const errors: FormError[] = []
  const fields = credentialFields(draft.wallet)
  const gatewayUrl = optional(draft.gatewayUrl)
  const value: Record<string, unknown> = {
    wallet: draft.wallet,
    mode,
    ...(gatewayUrl !== undefined ? { gatewayUrl } : {}),
    notifyUrl: optional(draft.notifyUrl) ?? null,
  }
  const required = new Map(SECRET_FIELDS[draft.wallet].map((f) => [f.name, f.required]))
  let rename = (path: string): string => path
  for (const field of fields) {
    const typed = draft[field.name]
    if (field.kind === 'keyList') {
      // Rows left blank are not sent; the schema's row numbers are the filled rows'.
      const filled = (Array.isArray(typed) ? typed : [])
        .map((k, i) => ({ ...k, i }))
        .filter((k) => k.serial.trim() !== '' || k.publicKeyPem.trim() !== '')
      value[field.name] = filled.map((k) => ({
        serial: k.serial.trim(),
        publicKeyPem: pemField(k.publicKeyPem, 'public', `${field.name}.${k.i}.publicKeyPem`, errors),
      }))
      const rows = new RegExp(`^${field.name}\\.(\\d+)`)
      rename = (path) => path.replace(rows, (_, j: string) => `${field.name}.${filled[Number(j)]?.i ?? j}`)
      continue
    }
    const text = typeof typed === 'string' ? typed : ''
    if (field.kind === 'text') {
      if (!(field.optional && text.trim() === '')) value[field.name] = text.trim()
    } else if (field.kind === 'publicPem') value[field.name] = pemField(text, 'public', field.name, errors)
    else {
      const isSet = Boolean(secretsSet[field.name])
      const secretText = secret(text, field.name, isSet, required.get(field.name) ?? false, errors)
      const kept = secretText !== undefined && field.kind === 'secretPem'
      if (secretText !== undefined)
        value[field.name] = kept ? pemField(secretText, 'private', field.name, errors) : secretText
    }
  }
  const appIdCode = APP_ID_CODES[draft.wallet]
  const rules = [...CREDENTIAL_ISSUES, ...(appIdCode ? [{ field: /^appId$/, code: appIdCode }] : [])]
  const { input } = providerFacts(draft.wallet).credentials
  const result = checkWithSchema(input, value as CredentialsInput, { field: rename, rules }, errors)
  return result.ok ? result : { ok: false, errors: inFieldOrder(result.errors, fieldOrder(fields)) }
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
