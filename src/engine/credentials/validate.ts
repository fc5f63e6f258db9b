import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto'
import { EngineError } from '../../shared/errors'

/** Codes in the error details, so a console can say in its own words what is wrong with a key. */
type KeyProblem = 'UNREADABLE_KEY' | 'NOT_RSA' | 'KEY_TOO_SHORT'

function invalid(path: string, code: KeyProblem, message: string): never {
  throw new EngineError('VALIDATION_FAILED', `${path}: ${message}`, [{ path, message, code }])
}

function requireRsa2048(key: KeyObject, path: string): void {
  if (key.asymmetricKeyType !== 'rsa') invalid(path, 'NOT_RSA', 'must be an RSA key')
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0
  if (bits < 2048) invalid(path, 'KEY_TOO_SHORT', `must be at least 2048 bits (got ${bits})`)
}

/** A private key in PEM (PKCS#1 or PKCS#8) that can sign RSA2: checked on entry, never echoed back. */
export function checkPrivateKey(pem: string, path: string): void {
  let key: KeyObject
  try {
    key = createPrivateKey(pem)
  } catch {
    return invalid(path, 'UNREADABLE_KEY', 'is not a readable private key (PEM)')
  }
  requireRsa2048(key, path)
}

/** A public key, or a certificate carrying one, in PEM. Returns the public key in SPKI PEM. */
export function checkPublicKey(pem: string, path: string): string {
  let key: KeyObject
  try {
    key = pem.includes('BEGIN CERTIFICATE') ? new X509Certificate(pem).publicKey : createPublicKey(pem)
  } catch {
    return invalid(path, 'UNREADABLE_KEY', 'is not a readable public key or certificate (PEM)')
  }
  requireRsa2048(key, path)
  return key.export({ type: 'spki', format: 'pem' }).toString()
}

/**
 * Alipay's key tool hands out keys as bare base64, in PKCS#8 or PKCS#1 (private) and SPKI or PKCS#1 (public):
 * read whichever it is and return standard PEM. PEM input is returned as it is.
 */
export function asPem(text: string, kind: 'private' | 'public'): string {
  const trimmed = text.trim()
  if (trimmed.startsWith('-----BEGIN')) return trimmed
  const der = Buffer.from(trimmed.replace(/\s+/g, ''), 'base64')
  const types = kind === 'private' ? (['pkcs8', 'pkcs1'] as const) : (['spki', 'pkcs1'] as const)
  for (const type of types) {
    try {
      const key =
        kind === 'private'
          ? createPrivateKey({ key: der, format: 'der', type: type as 'pkcs8' | 'pkcs1' })
          : createPublicKey({ key: der, format: 'der', type: type as 'spki' | 'pkcs1' })
      return key
        .export(kind === 'private' ? { type: 'pkcs8', format: 'pem' } : { type: 'spki', format: 'pem' })
        .toString()
    } catch {
      // Try the next encoding.
    }
  }
  return trimmed
}
