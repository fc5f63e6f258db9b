import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** The authorization scheme of the open platform's signed requests. */
export const AUTH_SCHEME = 'OPEN-BODY-SIG'

/** Lower-case hex SHA-256 of the exact request body bytes. */
export function sha256Hex(body: string | Buffer): string {
  return createHash('sha256').update(body).digest('hex')
}

/** A 32-character hex nonce. */
export function newNonce(): string {
  return randomBytes(16).toString('hex')
}

/** Signature = Base64(HmacSHA256(AppId + Timestamp + Nonce + hex(SHA256(body)), AppKey)). */
export function openBodySignature(parts: {
  appId: string
  appKey: string
  timestamp: string
  nonce: string
  body: string | Buffer
}): string {
  return createHmac('sha256', Buffer.from(parts.appKey, 'utf8'))
    .update(`${parts.appId}${parts.timestamp}${parts.nonce}${sha256Hex(parts.body)}`, 'utf8')
    .digest('base64')
}

/** `OPEN-BODY-SIG AppId="…", Timestamp="yyyyMMddHHmmss", Nonce="…", Signature="…"`. */
export function authorizationHeader(parts: {
  appId: string
  appKey: string
  timestamp: string
  nonce: string
  body: string | Buffer
}): string {
  return (
    `${AUTH_SCHEME} AppId="${parts.appId}", Timestamp="${parts.timestamp}", Nonce="${parts.nonce}", ` +
    `Signature="${openBodySignature(parts)}"`
  )
}

export type SignType = 'MD5' | 'SHA256'

/** A flat field value as it enters a sign string: objects (e.g. billPayment in an answer) as compact JSON. */
function fieldText(value: unknown): string | null {
  if (value === undefined || value === null) return null
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}

/**
 * The text a notification sign covers: every field but `sign`, sorted by name, as `k=v` joined with `&`,
 * followed directly by the communication key. Empty values are left out unless `includeEmpty`.
 */
export function signContent(fields: Record<string, unknown>, key: string, includeEmpty = false): string {
  const parts: string[] = []
  for (const name of Object.keys(fields).sort()) {
    if (name === 'sign') continue
    const value = fieldText(fields[name])
    if (value === null || (value === '' && !includeEmpty)) continue
    parts.push(`${name}=${value}`)
  }
  return parts.join('&') + key
}

/** MD5 or SHA-256 of the sign content, upper-case hex. */
export function computeSign(
  fields: Record<string, unknown>,
  key: string,
  type: SignType,
  includeEmpty = false,
): string {
  return createHash(type === 'SHA256' ? 'sha256' : 'md5')
    .update(signContent(fields, key, includeEmpty), 'utf8')
    .digest('hex')
    .toUpperCase()
}

/** `signType` decides the digest; absent means MD5. Anything else is not a type we accept. */
export function signTypeOf(value: unknown): SignType | null {
  if (value === undefined || value === null || value === '' || value === 'MD5') return 'MD5'
  return value === 'SHA256' ? 'SHA256' : null
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8')
  const right = Buffer.from(b, 'utf8')
  return left.length === right.length && timingSafeEqual(left, right)
}

/**
 * Checks `sign` in constant time. Public implementations disagree on whether empty values are signed, so a
 * message with empty values is also checked with them included; both forms need the key.
 */
export function verifySign(fields: Record<string, unknown>, key: string): boolean {
  const given = fields.sign
  const type = signTypeOf(fields.signType)
  if (typeof given !== 'string' || !/^[0-9A-Fa-f]{32,64}$/.test(given) || type === null) return false
  const upper = given.toUpperCase()
  if (sameText(upper, computeSign(fields, key, type))) return true
  const hasEmpty = Object.entries(fields).some(([name, value]) => name !== 'sign' && value === '')
  return hasEmpty && sameText(upper, computeSign(fields, key, type, true))
}
