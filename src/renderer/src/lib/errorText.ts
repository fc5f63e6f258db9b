import { EngineError, type ErrorCode } from '../../../shared/errors'
import { formatFen, isFen } from '../../../shared/money'
import { friendPayRefusal } from './friendPay'

/** A message key with its parameters: what an error says to the cashier. */
export interface MessageRef {
  key: string
  params?: Record<string, string | number>
}

/** The words for an error: its code, made more precise by the details where the engine gives them. */
export function errorMessageRef(error: unknown): MessageRef {
  const code: ErrorCode = error instanceof EngineError ? error.code : 'INTERNAL'
  if (code === 'FRIEND_PAY_UNAVAILABLE') {
    const refusal = friendPayRefusal((error as EngineError).details)
    if (refusal.reason === 'AMOUNT_ABOVE_MAX') {
      return refusal.maxFen === null
        ? { key: 'friendPay.refusals.AMOUNT_ABOVE_MAX_PLAIN' }
        : { key: 'friendPay.refusals.AMOUNT_ABOVE_MAX', params: { max: formatFen(refusal.maxFen) } }
    }
    return { key: `friendPay.refusals.${refusal.reason}` }
  }
  if (code === 'PROVIDER_ERROR') {
    const details = (error as EngineError).details as { wallet?: unknown; reversed?: unknown } | undefined
    if (typeof details?.wallet === 'string') {
      const key = details.reversed === true ? 'errors.walletReversed' : 'errors.walletUnreachable'
      return { key, params: { wallet: details.wallet } }
    }
  }
  if (code === 'REFUND_EXCEEDS_PAID') {
    const left = refundLeft((error as EngineError).details)
    if (left) return left
  }
  return { key: `errors.codes.${code}`, params: { code } }
}

/** What a refused refund could still have taken: the amount left on the order, or the items left on a line. */
function refundLeft(details: unknown): MessageRef | null {
  const { refundableFen, quantityLeft } = (details ?? {}) as { refundableFen?: unknown; quantityLeft?: unknown }
  if (isFen(quantityLeft)) return { key: 'errors.refundLineExceedsLeft', params: { n: quantityLeft } }
  if (isFen(refundableFen)) {
    return refundableFen > 0
      ? { key: 'errors.refundExceedsLeft', params: { amount: formatFen(refundableFen) } }
      : { key: 'errors.refundNothingLeft' }
  }
  return null
}

/**
 * Where words for an ending reason or failure code may be found, most specific first:
 * payment end reasons and wallet failures, friend-pay cancel reasons, refund reasons, then error codes.
 */
export function reasonKeys(code: string): string[] {
  return [`failures.${code}`, `friendPay.cancelReasons.${code}`, `refunds.reason.${code}`, `errors.codes.${code}`]
}
