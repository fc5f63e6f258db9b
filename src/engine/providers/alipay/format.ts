import { EngineError } from '../../../shared/errors'
import { fenToYuanString, parseYuanToFen } from '../../../shared/money'

/** Alipay's timestamps are wall-clock Beijing time (UTC+8, no daylight saving), "yyyy-MM-dd HH:mm:ss". */
const BEIJING_OFFSET_MS = 8 * 3600_000
const BEIJING_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/

export function formatBeijingTime(ms: number): string {
  const iso = new Date(ms + BEIJING_OFFSET_MS).toISOString()
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`
}

export function parseBeijingTime(text: unknown): number | null {
  if (typeof text !== 'string') return null
  const m = BEIJING_TIME.exec(text)
  if (!m) return null
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]))
  return Number.isFinite(ms) ? ms - BEIJING_OFFSET_MS : null
}

/** Alipay accepts 0.01 to 100000000.00 yuan; we send exact two-decimal strings. */
const ALIPAY_MAX_FEN = 10_000_000_000

export function toYuan(amountFen: number): string {
  if (!Number.isSafeInteger(amountFen) || amountFen < 1 || amountFen > ALIPAY_MAX_FEN) {
    throw new EngineError('AMOUNT_OUT_OF_RANGE', 'Alipay takes amounts from ¥0.01 to ¥100,000,000.00')
  }
  return fenToYuanString(amountFen)
}

export function yuanToFen(value: unknown): number | null {
  return typeof value === 'string' ? parseYuanToFen(value) : null
}

/**
 * subject: at most 256 characters, and Alipay refuses "/", "=" and "&" in it (they break its own
 * signing strings on some channels).
 */
export function toSubject(description: string): string {
  const cleaned = description.replace(/[/=&]/g, ' ').replace(/\s+/g, ' ').trim()
  return Array.from(cleaned || 'Order')
    .slice(0, 256)
    .join('')
}

/** out_trade_no / out_request_no: up to 64 characters of letters, digits and underscores. */
export function assertMerchantNo(value: string, what: string): void {
  if (!/^[A-Za-z0-9_]{1,64}$/.test(value)) {
    throw new EngineError('VALIDATION_FAILED', `${what} must be 1–64 letters, digits or underscores`)
  }
}
