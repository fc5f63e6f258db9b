import type { KeyObject } from 'node:crypto'
import { compareAscii, verifyRsa2 } from './crypto'

/** One form field as received: the raw bytes of its value (percent-decoded) and its text. */
interface FormField {
  bytes: Buffer
  text: string
}

export class FormError extends Error {}

/**
 * Parses an application/x-www-form-urlencoded body the way Alipay sends notifications. Values are kept as
 * bytes so that the signature is checked over exactly what Alipay signed, in the notification's own charset
 * (utf-8, or gbk for apps configured that way), without a decode/re-encode round trip.
 */
export function parseForm(body: string, contentType: string | undefined): Map<string, FormField> {
  const raw = new Map<string, Buffer>()
  for (const pair of body.split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const key = percentDecode(eq < 0 ? pair : pair.slice(0, eq)).toString('latin1')
    const value = percentDecode(eq < 0 ? '' : pair.slice(eq + 1))
    if (!/^[A-Za-z0-9_.]+$/.test(key)) throw new FormError('a field name is not plain ASCII')
    if (raw.has(key)) throw new FormError(`the field ${key} appears twice`)
    raw.set(key, value)
  }
  const charsetField = raw.get('charset')?.toString('latin1')
  const headerCharset = /charset=([\w-]+)/i.exec(contentType ?? '')?.[1]
  const charset = (charsetField || headerCharset || 'utf-8').toLowerCase()
  const label =
    charset === 'utf-8' || charset === 'utf8' ? 'utf-8' : charset === 'gbk' || charset === 'gb2312' ? 'gbk' : null
  if (!label) throw new FormError(`unsupported charset ${charset}`)
  let decoder: { decode(input: Uint8Array): string }
  try {
    decoder = new TextDecoder(label, { fatal: true })
  } catch {
    throw new FormError(`this Node.js build cannot decode ${label}`)
  }
  const fields = new Map<string, FormField>()
  for (const [key, bytes] of raw) {
    let text: string
    try {
      text = decoder.decode(bytes)
    } catch {
      throw new FormError(`the field ${key} is not valid ${label}`)
    }
    fields.set(key, { bytes, text })
  }
  return fields
}

function percentDecode(text: string): Buffer {
  const out: number[] = []
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x2b) out.push(0x20)
    else if (c === 0x25) {
      const hex = text.slice(i + 1, i + 3)
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new FormError('malformed percent-encoding')
      out.push(parseInt(hex, 16))
      i += 2
    } else if (c < 0x80) out.push(c)
    else out.push(...Buffer.from(text[i]!, 'utf8'))
  }
  return Buffer.from(out)
}

/**
 * Notification signatures cover every field except `sign` and `sign_type`, empty values left out, sorted
 * by name, as k=v joined with & — over the bytes in the notification's charset.
 */
export function notificationSignContent(fields: Map<string, FormField>): Buffer {
  const parts: Buffer[] = []
  const keys = [...fields.keys()].filter((k) => k !== 'sign' && k !== 'sign_type' && fields.get(k)!.bytes.length > 0)
  keys.sort(compareAscii)
  keys.forEach((key, index) => {
    if (index > 0) parts.push(Buffer.from('&'))
    parts.push(Buffer.from(`${key}=`, 'latin1'), fields.get(key)!.bytes)
  })
  return Buffer.concat(parts)
}

export function verifyNotification(fields: Map<string, FormField>, alipayPublicKey: KeyObject): boolean {
  const sign = fields.get('sign')?.text
  if (!sign) return false
  return verifyRsa2(notificationSignContent(fields), sign, alipayPublicKey)
}
