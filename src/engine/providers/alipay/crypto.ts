import { createPrivateKey, createPublicKey, createSign, createVerify, type KeyObject } from 'node:crypto'

/**
 * Alipay keys are pasted by merchants from Alipay's key tool or console: PEM with either header, or the
 * bare base64 body without any header. Errors never echo the key material.
 */
export function loadPrivateKey(text: string): KeyObject {
  const trimmed = text.trim()
  if (trimmed.includes('-----BEGIN')) {
    try {
      return createPrivateKey(trimmed)
    } catch {
      throw new Error('the app private key is not a valid PEM private key')
    }
  }
  const der = base64Body(trimmed, 'app private key')
  for (const type of ['pkcs8', 'pkcs1'] as const) {
    try {
      return createPrivateKey({ key: der, format: 'der', type })
    } catch {
      // try the next encoding
    }
  }
  throw new Error('the app private key is neither PKCS#8 nor PKCS#1')
}

export function loadPublicKey(text: string): KeyObject {
  const trimmed = text.trim()
  if (trimmed.includes('-----BEGIN')) {
    try {
      return createPublicKey(trimmed)
    } catch {
      throw new Error('the Alipay public key is not a valid PEM public key')
    }
  }
  const der = base64Body(trimmed, 'Alipay public key')
  for (const type of ['spki', 'pkcs1'] as const) {
    try {
      return createPublicKey({ key: der, format: 'der', type })
    } catch {
      // try the next encoding
    }
  }
  throw new Error('the Alipay public key is neither SPKI nor PKCS#1')
}

function base64Body(text: string, what: string): Buffer {
  const compact = text.replace(/\s+/g, '')
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) throw new Error(`the ${what} is not PEM or base64`)
  return Buffer.from(compact, 'base64')
}

/**
 * The string Alipay signs for requests (待签名字符串): every parameter except `sign`, empty values left
 * out, sorted by key in ASCII order, joined as k=v with &, values raw (not URL-encoded).
 */
export function requestSignContent(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((key) => key !== 'sign' && params[key] !== '')
    .sort(compareAscii)
    .map((key) => `${key}=${params[key]}`)
    .join('&')
}

export function compareAscii(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

export function signRsa2(content: string | Buffer, key: KeyObject): string {
  return createSign('RSA-SHA256').update(content).sign(key, 'base64')
}

export function verifyRsa2(content: string | Buffer, signature: string, key: KeyObject): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return false
  try {
    return createVerify('RSA-SHA256').update(content).verify(key, signature, 'base64')
  } catch {
    return false
  }
}
