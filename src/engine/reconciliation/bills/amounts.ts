import { EngineError } from '../../../shared/errors'

/** Beijing wall-clock time (UTC+8 all year, no daylight saving), as both wallets print it. */
const BEIJING_OFFSET_MS = 8 * 3600_000
const BEIJING_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/
const DECIMAL = /^(-?)(\d{1,13})(?:\.(\d+))?$/

/** A bill that cannot be read: the message names the file's line. */
export function invalidBill(lineNumber: number | null, message: string): EngineError {
  const where = lineNumber === null ? '' : `line ${lineNumber}: `
  return new EngineError('BILL_INVALID', `${where}${message}`, lineNumber === null ? undefined : { line: lineNumber })
}

/**
 * "12.34" (at most `scale` decimals, optionally negative) → an integer count of 10^-scale yuan, read digit by
 * digit; null when the text is not such a number.
 */
export function parseScaled(text: string, scale: number): number | null {
  const match = DECIMAL.exec(text)
  if (!match) return null
  const decimals = match[3] ?? ''
  if (decimals.length > scale) return null
  const value = Number(match[2]) * 10 ** scale + Number(decimals.padEnd(scale, '0') || '0')
  if (!Number.isSafeInteger(value)) return null
  return match[1] === '-' && value !== 0 ? -value : value
}

/** A yuan amount with at most two decimals → fen; throws BILL_INVALID naming the column and line. */
export function yuanToFen(text: string, column: string, lineNumber: number): number {
  const fen = parseScaled(text, 2)
  if (fen === null) throw invalidBill(lineNumber, `${column} is not an amount in yuan: "${text}"`)
  return fen
}

/** A fee with up to five decimals (WeChat Pay prints 0.06000) → thousandths of a fen. */
export function feeToMilliFen(text: string, column: string, lineNumber: number): number {
  const value = parseScaled(text, 5)
  if (value === null) throw invalidBill(lineNumber, `${column} is not a fee in yuan: "${text}"`)
  return value
}

/**
 * Thousandths of a fen → whole fen, half up on the magnitude (0.5 fen → 1 fen, -0.5 fen → -1 fen). The wallets
 * print fees to 0.00001 yuan but settle whole fen; a fraction of a fen has not been seen in a bill, and rounding
 * half up is what the wallets say they do when they settle.
 */
export function milliFenToFen(milliFen: number): number {
  const magnitude = Math.floor((Math.abs(milliFen) + 500) / 1000)
  return milliFen < 0 ? -magnitude : magnitude
}

/** fen → "0.06000": the five-decimal yuan WeChat Pay prints fees in. */
export function fenToFeeText(fen: number): string {
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(fen)
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}000`
}

export function parseBeijingTime(text: string): number | null {
  const m = BEIJING_TIME.exec(text)
  if (!m) return null
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]))
  return Number.isFinite(ms) ? ms - BEIJING_OFFSET_MS : null
}

export function formatBeijingTime(ms: number): string {
  const iso = new Date(ms + BEIJING_OFFSET_MS).toISOString()
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`
}

/** The Beijing calendar day (YYYY-MM-DD) an instant falls on. */
export function beijingDate(ms: number): string {
  return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 10)
}

/** The instant a Beijing calendar day (YYYY-MM-DD) starts. */
export function beijingDayStart(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) - BEIJING_OFFSET_MS
}
