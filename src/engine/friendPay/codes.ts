import { randomBytes, timingSafeEqual } from 'node:crypto'
import { maskPersonName } from '../../shared/friendPay'

/** Crockford base32: no I, L, O, U — nothing to misread when the code is typed from a chat. */
const PAY_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** What anyone but the merchant sees of the requester's name (the one rule, shared with the console). */
export function maskName(name: string): string {
  return maskPersonName(name)
}

export function maskPhone(phone: string): string {
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`
}

/** A pay code as typed from a chat: case, spaces and dashes ignored; O read as 0, I and L as 1. */
export function normalizePayCode(text: string): string {
  return text.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1')
}

export function newPayCode(): string {
  const bytes = randomBytes(8)
  return [...bytes].map((b) => PAY_CODE_ALPHABET[b & 31]).join('')
}

/** `ABCD-EFGH`, as shown to the requester. */
export function formatPayCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`
}

/** Compares a secret in constant time. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Digits only; a +86 prefix dropped. */
export function normalizePhone(text: string): string {
  const digits = text.replace(/[^\d]/g, '')
  return digits.length === 13 && digits.startsWith('86') ? digits.slice(2) : digits
}
