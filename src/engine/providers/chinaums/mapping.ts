import { EngineError } from '../../../shared/errors'
import type { RefundState, TradeState } from '../types'

// ---- time: every date and time field is Beijing time (UTC+8, no daylight saving) ----

const SHANGHAI_OFFSET_MS = 8 * 3600_000

function shanghaiParts(ms: number): { date: string; time: string } {
  const iso = new Date(Math.floor(ms / 1000) * 1000 + SHANGHAI_OFFSET_MS).toISOString()
  return { date: iso.slice(0, 10), time: iso.slice(11, 19) }
}

/** `yyyy-MM-dd HH:mm:ss` (requestTimestamp, expireTime). */
export function formatDateTime(ms: number): string {
  const { date, time } = shanghaiParts(ms)
  return `${date} ${time}`
}

/** `yyyy-MM-dd` (billDate). */
export function formatDate(ms: number): string {
  return shanghaiParts(ms).date
}

/** `yyyyMMddHHmmss` (the Timestamp of OPEN-BODY-SIG). */
export function formatCompactDateTime(ms: number): string {
  const { date, time } = shanghaiParts(ms)
  return `${date}${time}`.replace(/[-:]/g, '')
}

/** Parses `yyyy-MM-dd HH:mm:ss` or `yyyyMMddHHmmss` in Beijing time; anything else is null. */
export function parseDateTime(value: unknown): number | null {
  if (typeof value !== 'string') return null
  const m =
    /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(value) ??
    /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value)
  if (!m) return null
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) - SHANGHAI_OFFSET_MS
  return formatCompactDateTime(ms) === m.slice(1).join('') ? ms : null
}

// ---- order numbers ----

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const ULID = '[0-9A-HJKMNP-TV-Z]{26}'

/** The millisecond time in the first 10 characters of a ULID. */
export function ulidTime(ulid: string): number {
  let ms = 0
  for (const char of ulid.slice(0, 10)) ms = ms * 32 + CROCKFORD.indexOf(char)
  return ms
}

export interface NumberRule {
  msgSrcId: string
  /** The engine's prefix of this kind of id: `pay` for trades, `rfd` for refunds. */
  prefix: string
}

/**
 * Our id `pay_<ULID>` becomes the acquirer's number `<msgSrcId><ULID>`: the 4-character source number first, as
 * China UMS requires, then the 26 ULID characters (digits and capitals). 30 characters in all; reversible by
 * {@link fromAcquirerNo} because the kind of number (trade or refund) is known where it is read.
 */
export function toAcquirerNo(rule: NumberRule, id: string, what: string): string {
  const m = new RegExp(`^${rule.prefix}_(${ULID})$`).exec(id)
  if (!m) throw new EngineError('VALIDATION_FAILED', `${what} must be ${rule.prefix}_ followed by a 26-character ULID`)
  return rule.msgSrcId + m[1]
}

/** The reverse of {@link toAcquirerNo}; null for a number that is not ours. */
export function fromAcquirerNo(rule: NumberRule, acquirerNo: unknown): string | null {
  if (typeof acquirerNo !== 'string' || !acquirerNo.startsWith(rule.msgSrcId)) return null
  const ulid = acquirerNo.slice(rule.msgSrcId.length)
  return new RegExp(`^${ULID}$`).test(ulid) ? `${rule.prefix}_${ulid}` : null
}

/** The day an id was made, in Beijing time: the bill date (billDate) of its trade. */
export function idDate(id: string): string {
  return formatDate(ulidTime(id.slice(id.indexOf('_') + 1)))
}

// ---- amounts and text ----

/** Amounts are whole fen, sent as numbers; answers may carry them as numbers or digit strings. */
export function parseFen(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value)
  return null
}

export { truncateUtf8 } from '../../utf8'

// ---- states ----

/**
 * billStatus → our TradeState. REFUND: paid, then (partly) refunded — for the payment a success. UNKNOWN is not
 * final (the acquirer does not know yet): like a customer still confirming, it must not be closed blindly.
 */
export function mapBillStatus(value: unknown): TradeState | null {
  switch (value) {
    case 'PAID':
    case 'REFUND':
      return 'SUCCESS'
    case 'UNPAID':
      return 'NOTPAY'
    case 'CLOSED':
      return 'CLOSED'
    case 'UNKNOWN':
      return 'USERPAYING'
    default:
      return null
  }
}

/**
 * queryResCode of a POS通 query → our TradeState: 0 success, 1 timed out, 2 voided, 3 refunded (was paid),
 * 4 reversed, 5 failed, FF unknown. A timed-out or unknown trade is unsettled: the engine reverses it.
 */
export function mapPosQueryResCode(value: unknown): TradeState | null {
  switch (value) {
    case '0':
    case '3':
      return 'SUCCESS'
    case '1':
    case 'FF':
      return 'USERPAYING'
    case '2':
    case '4':
      return 'REVOKED'
    case '5':
      return 'PAYERROR'
    default:
      return null
  }
}

/** refundStatus of a QR bill refund. FAIL: nothing left the merchant, a new refund may be tried. */
export function mapRefundStatus(value: unknown): RefundState | null {
  switch (value) {
    case 'SUCCESS':
      return 'SUCCESS'
    case 'PROCESSING':
    case 'UNKNOWN':
      return 'PROCESSING'
    case 'FAIL':
      return 'CLOSED'
    default:
      return null
  }
}
