import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto'
import { EngineError } from '../../shared/errors'

function invalid(path: string, message: string): never {
  throw new EngineError('VALIDATION_FAILED', `${path}: ${message}`, [{ path, message }])
}

function requireRsa2048(key: KeyObject, path: string): void {
  if (key.asymmetricKeyType !== 'rsa') invalid(path, 'must be an RSA key')
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0
  if (bits < 2048) invalid(path, `must be at least 2048 bits (got ${bits})`)
}

/** A private key in PEM (PKCS#1 or PKCS#8) that can sign RSA2: checked on entry, never echoed back. */
export function checkPrivateKey(pem: string, path: string): void {
  let key: KeyObject
  try {
    key = createPrivateKey(pem)
  } catch {
    return invalid(path, 'is not a readable private key (PEM)')
  }
  requireRsa2048(key, path)
}

/** A public key, or a certificate carrying one, in PEM. Returns the public key in SPKI PEM. */
export function checkPublicKey(pem: string, path: string): string {
  let key: KeyObject
  try {
    key = pem.includes('BEGIN CERTIFICATE') ? new X509Certificate(pem).publicKey : createPublicKey(pem)
  } catch {
    return invalid(path, 'is not a readable public key or certificate (PEM)')
  }
  requireRsa2048(key, path)
  return key.export({ type: 'spki', format: 'pem' }).toString()
}

/** Alipay hands out keys as bare base64; accept those too by wrapping them in PEM. */
export function asPem(text: string, kind: 'PRIVATE KEY' | 'PUBLIC KEY'): string {
  const trimmed = text.trim()
  if (trimmed.startsWith('-----BEGIN')) return trimmed
  const body = trimmed.replace(/\s+/g, '').replace(/(.{64})/g, '$1\n')
  return `-----BEGIN ${kind}-----\n${body}\n-----END ${kind}-----`
}
