import type { RefundState, TradeState } from '../types'

/** `out_trade_no` / `out_refund_no`: 6–32 characters of digits, letters, `_`, `-` and `*`. */
export const OUT_NO_PATTERN = /^[0-9A-Za-z_\-*]{6,32}$/

const SHANGHAI_OFFSET_MS = 8 * 3600_000

/** RFC 3339 in China Standard Time, to the second, as `time_expire` expects: `2018-06-08T10:34:56+08:00`. */
export function toRfc3339Shanghai(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000 + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19)}+08:00`
}

/** Parses an RFC 3339 time with an explicit offset; anything else is null. */
export function parseRfc3339(value: unknown): number | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value))
    return null
  const ms = Date.parse(value)
  return Number.isFinite(ms) ? ms : null
}

export { truncateUtf8 } from '../../utf8'

/**
 * trade_state → our TradeState. REFUND means the trade was paid and (partly) refunded since: for the
 * payment it is a success. ACCEPT (received, debit pending) is not final, like a customer still confirming.
 */
export function mapTradeState(value: unknown): TradeState | null {
  switch (value) {
    case 'SUCCESS':
    case 'REFUND':
      return 'SUCCESS'
    case 'NOTPAY':
    case 'CLOSED':
    case 'REVOKED':
    case 'USERPAYING':
    case 'PAYERROR':
      return value
    case 'ACCEPT':
      return 'USERPAYING'
    default:
      return null
  }
}

export function mapRefundStatus(value: unknown): RefundState | null {
  return value === 'SUCCESS' || value === 'CLOSED' || value === 'PROCESSING' || value === 'ABNORMAL' ? value : null
}

/**
 * Payment-code answers that end the attempt as declined by the customer's wallet (balance, expired code,
 * unsupported card…). Both the v3 and the older v2 spellings are accepted.
 */
export const CODEPAY_DECLINE_CODES: ReadonlySet<string> = new Set([
  'NOT_ENOUGH',
  'NOTENOUGH',
  'AUTH_CODE_EXPIRE',
  'AUTHCODEEXPIRE',
  'AUTH_CODE_ERROR',
  'AUTH_CODE_INVALID',
  'NOTSUPORTCARD',
  'BUYER_MISMATCH',
  'PAYER_ACCOUNT_ABNORMAL',
  'TRADE_ERROR',
])
