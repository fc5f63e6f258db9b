import { EngineError } from '../../../shared/errors'
import type { ProviderRefund, RefundRequest } from '../types'
import { asObject, fail, requireOutNo, type Json, type WechatPayContext } from './context'
import { apiError, call } from './gateway'
import { mapRefundStatus, truncateUtf8 } from './mapping'

/** A refund object (refund answer or refund query answer) → our refund. */
function toRefund(outRefundNo: string, data: Json): ProviderRefund {
  const state = mapRefundStatus(data.status)
  if (!state) throw fail('BAD_RESPONSE', `unknown refund status ${String(data.status).slice(0, 32)}`)
  if (data.out_refund_no !== undefined && data.out_refund_no !== outRefundNo) {
    throw fail('BAD_RESPONSE', 'WeChat Pay answered about a different out_refund_no')
  }
  const refund = asObject(data.amount)?.refund
  if (typeof refund !== 'number' || !Number.isSafeInteger(refund)) {
    throw fail('BAD_RESPONSE', 'refund answer has no amount')
  }
  return {
    outRefundNo,
    state,
    amountFen: refund,
    providerRefundNo: typeof data.refund_id === 'string' && data.refund_id ? data.refund_id : null,
  }
}

export async function refund(ctx: WechatPayContext, request: RefundRequest): Promise<ProviderRefund> {
  requireOutNo(request.outTradeNo, 'out_trade_no')
  requireOutNo(request.outRefundNo, 'out_refund_no')
  if (
    !Number.isSafeInteger(request.amountFen) ||
    !Number.isSafeInteger(request.totalFen) ||
    request.amountFen < 1 ||
    request.amountFen > request.totalFen
  ) {
    throw new EngineError('AMOUNT_OUT_OF_RANGE', 'refund must be between 1 fen and the amount paid')
  }
  const reason = truncateUtf8(request.reason.trim(), 80)
  const answer = await call(ctx, 'POST', '/v3/refund/domestic/refunds', {
    out_trade_no: request.outTradeNo,
    out_refund_no: request.outRefundNo,
    ...(reason ? { reason } : {}),
    amount: { refund: request.amountFen, total: request.totalFen, currency: 'CNY' },
  })
  if (answer.status === 200) return toRefund(request.outRefundNo, answer.data)
  throw apiError(answer, 'refund')
}

export async function queryRefund(ctx: WechatPayContext, outRefundNo: string): Promise<ProviderRefund> {
  const no = requireOutNo(outRefundNo, 'out_refund_no')
  const answer = await call(ctx, 'GET', `/v3/refund/domestic/refunds/${no}`)
  if (answer.status === 200) return toRefund(outRefundNo, answer.data)
  if (answer.status === 404 || answer.data.code === 'RESOURCE_NOT_EXISTS') {
    throw new EngineError('NOT_FOUND', 'WeChat Pay has no such refund')
  }
  throw apiError(answer, 'report the refund')
}
