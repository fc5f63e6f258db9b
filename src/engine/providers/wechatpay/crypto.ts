import {
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  randomBytes,
  sign as rsaSign,
  verify as rsaVerify,
  type KeyObject,
} from 'node:crypto'

/** The only signature scheme WeChat Pay API v3 defines. */
export const AUTH_SCHEME = 'WECHATPAY2-SHA256-RSA2048'

const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** A 32-character alphanumeric nonce (the docs ask for at most 32 characters). */
export function newNonce(length = 32): string {
  const bytes = randomBytes(length)
  let nonce = ''
  // 62 does not divide 256, so rejection keeps the nonce uniform.
  for (let i = 0; nonce.length < length; i++) {
    const byte = i < bytes.length ? bytes[i]! : randomBytes(1)[0]!
    if (byte < 248) nonce += NONCE_ALPHABET[byte % 62]
  }
  return nonce
}

/** `METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n`: URL is the path with its query string; BODY is empty for GET. */
export function requestMessage(
  method: string,
  pathWithQuery: string,
  timestamp: string,
  nonce: string,
  body: string,
): string {
  return `${method}\n${pathWithQuery}\n${timestamp}\n${nonce}\n${body}\n`
}

/** `TIMESTAMP\nNONCE\nBODY\n` over the raw bytes of the body, as answers and notifications are signed. */
export function responseMessage(timestamp: string, nonce: string, body: Buffer | string): Buffer {
  return Buffer.concat([
    Buffer.from(`${timestamp}\n${nonce}\n`),
    Buffer.isBuffer(body) ? body : Buffer.from(body),
    Buffer.from('\n'),
  ])
}

export function signSha256WithRsa(message: Buffer | string, privateKey: KeyObject): string {
  return rsaSign('sha256', Buffer.isBuffer(message) ? message : Buffer.from(message), privateKey).toString('base64')
}

export function verifySha256WithRsa(message: Buffer | string, signatureBase64: string, publicKey: KeyObject): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signatureBase64)) return false
  try {
    return rsaVerify(
      'sha256',
      Buffer.isBuffer(message) ? message : Buffer.from(message),
      publicKey,
      Buffer.from(signatureBase64, 'base64'),
    )
  } catch {
    // A key or signature that cannot even be read verifies nothing: the caller reports the failed check.
    return false
  }
}

export interface SignedRequest {
  method: string
  pathWithQuery: string
  body: string
  mchId: string
  serialNo: string
  privateKey: KeyObject
  /** Unix seconds. */
  timestamp: number
  nonce: string
}

/** The `Authorization` header value of a v3 request. */
export function authorizationHeader(request: SignedRequest): string {
  const timestamp = String(request.timestamp)
  const signature = signSha256WithRsa(
    requestMessage(request.method, request.pathWithQuery, timestamp, request.nonce, request.body),
    request.privateKey,
  )
  return (
    `${AUTH_SCHEME} mchid="${request.mchId}",nonce_str="${request.nonce}",` +
    `signature="${signature}",timestamp="${timestamp}",serial_no="${request.serialNo}"`
  )
}

/** AEAD_AES_256_GCM as the v3 notifications and certificate downloads use it: ciphertext followed by a 16-byte tag. */
export function aes256GcmDecrypt(
  key: Buffer,
  nonce: Buffer,
  associatedData: Buffer,
  ciphertextWithTag: Buffer,
): Buffer {
  if (key.length !== 32) throw new Error('AES-256-GCM needs a 32-byte key')
  if (ciphertextWithTag.length < 16) throw new Error('ciphertext shorter than its tag')
  const decipher = createDecipheriv('aes-256-gcm', key, nonce)
  decipher.setAAD(associatedData)
  decipher.setAuthTag(ciphertextWithTag.subarray(ciphertextWithTag.length - 16))
  return Buffer.concat([
    decipher.update(ciphertextWithTag.subarray(0, ciphertextWithTag.length - 16)),
    decipher.final(),
  ])
}

/** Decrypts a notification `resource` (nonce and associated_data are UTF-8 strings, ciphertext base64). */
export function decryptResource(
  apiV3Key: string,
  resource: { nonce: string; associatedData: string; ciphertext: string },
): string {
  return aes256GcmDecrypt(
    Buffer.from(apiV3Key, 'utf8'),
    Buffer.from(resource.nonce, 'utf8'),
    Buffer.from(resource.associatedData, 'utf8'),
    Buffer.from(resource.ciphertext, 'base64'),
  ).toString('utf8')
}

/**
 * APIv2 signature: non-empty parameters except `sign`, sorted by name, joined as `k=v&…&key=APIV2KEY`, then
 * MD5 or HMAC-SHA256 (keyed with the APIv2 key), upper-case hex. Kept for a v2 payment-code fallback.
 */
export function signV2(
  params: Record<string, string | number | undefined | null>,
  apiV2Key: string,
  type: 'MD5' | 'HMAC-SHA256',
): string {
  const text =
    Object.keys(params)
      .filter((k) => k !== 'sign' && params[k] !== undefined && params[k] !== null && params[k] !== '')
      .sort()
      .map((k) => `${k}=${params[k]}`)
      .join('&') + `&key=${apiV2Key}`
  const digest =
    type === 'MD5' ? createHash('md5').update(text, 'utf8') : createHmac('sha256', apiV2Key).update(text, 'utf8')
  return digest.digest('hex').toUpperCase()
}

export function privateKeyFromPem(pem: string): KeyObject {
  return createPrivateKey({ key: pem, format: 'pem' })
}

/** Accepts a public key PEM or a platform certificate PEM. */
export function publicKeyFromPem(pem: string): KeyObject {
  return createPublicKey({ key: pem, format: 'pem' })
}
