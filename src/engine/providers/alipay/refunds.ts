import { EngineError } from '../../../shared/errors'
import type { ProviderRefund, RefundRequest } from '../types'
import { fail, NOT_EXIST, rememberRefundTrade, type AlipayContext } from './context'
import { assertMerchantNo, toSubject, toYuan, yuanToFen } from './format'

/** Refund refusals that may succeed later with the same out_request_no. */
const REFUND_RETRYABLE = new Set(['ACQ.SYSTEM_ERROR', 'ACQ.SELLER_BALANCE_NOT_ENOUGH', 'ACQ.REFUND_CHARGE_ERROR'])

/** alipay.trade.refund; out_request_no makes a retry refund nothing twice. */
export async function refund(ctx: AlipayContext, request: RefundRequest): Promise<ProviderRefund> {
  assertMerchantNo(request.outTradeNo, 'out_trade_no')
  assertMerchantNo(request.outRefundNo, 'out_request_no')
  if (request.amountFen > request.totalFen)
    throw new EngineError('AMOUNT_OUT_OF_RANGE', 'refund exceeds the amount paid')
  rememberRefundTrade(ctx, request.outRefundNo, request.outTradeNo)
  const answer = await ctx.gateway.call('alipay.trade.refund', {
    out_trade_no: request.outTradeNo,
    out_request_no: request.outRefundNo,
    refund_amount: toYuan(request.amountFen),
    refund_reason: toSubject(request.reason || 'Refund'),
  })
  const { outRefundNo, amountFen } = request
  if (answer.code === '10000') {
    if (answer.data.fund_change === 'Y') {
      const tradeNo = answer.data.trade_no
      const providerRefundNo = typeof tradeNo === 'string' ? `${tradeNo}:${outRefundNo}` : null
      return { outRefundNo, state: 'SUCCESS', amountFen, providerRefundNo }
    }
    // fund_change=N: no money moved by this call (typically a retry of a refund already made): ask.
    const found = await refundQuery(ctx, request.outTradeNo, outRefundNo)
    return found ?? { outRefundNo, state: 'PROCESSING', amountFen, providerRefundNo: null }
  }
  if (REFUND_RETRYABLE.has(answer.subCode ?? '') || answer.code === '20000') fail(answer, 'the refund')
  if (answer.code === '40004') return { outRefundNo, state: 'ABNORMAL', amountFen, providerRefundNo: null }
  fail(answer, 'the refund')
}

/**
 * Alipay's refund query needs the trade as well as out_request_no: refunds made through this instance are
 * remembered; after a restart the caller must pass outTradeNo.
 */
export async function queryRefund(
  ctx: AlipayContext,
  outRefundNo: string,
  outTradeNo?: string,
): Promise<ProviderRefund> {
  assertMerchantNo(outRefundNo, 'out_request_no')
  const tradeNo = outTradeNo ?? ctx.refundTrades.get(outRefundNo)
  if (!tradeNo) throw new EngineError('VALIDATION_FAILED', 'Alipay needs the out_trade_no to look up a refund')
  assertMerchantNo(tradeNo, 'out_trade_no')
  const found = await refundQuery(ctx, tradeNo, outRefundNo)
  if (!found) throw new EngineError('NOT_FOUND', 'no such refund at Alipay')
  return found
}

/** The refund as Alipay's books hold it, or null when Alipay has none by that number. */
async function refundQuery(
  ctx: AlipayContext,
  outTradeNo: string,
  outRefundNo: string,
): Promise<ProviderRefund | null> {
  const answer = await ctx.gateway.call('alipay.trade.fastpay.refund.query', {
    out_trade_no: outTradeNo,
    out_request_no: outRefundNo,
  })
  if (answer.subCode === NOT_EXIST) return null
  if (answer.code !== '10000') fail(answer, 'the refund query')
  const amountFen = yuanToFen(answer.data.refund_amount)
  if (answer.data.out_request_no !== outRefundNo || amountFen === null) return null
  return {
    outRefundNo,
    state: answer.data.refund_status === 'REFUND_SUCCESS' ? 'SUCCESS' : 'PROCESSING',
    amountFen,
    providerRefundNo: typeof answer.data.trade_no === 'string' ? `${answer.data.trade_no}:${outRefundNo}` : null,
  }
}
