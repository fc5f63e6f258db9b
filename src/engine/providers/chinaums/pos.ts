import { EngineError } from '../../../shared/errors'
import type { CodePayRequest, ProviderRefund, ProviderTrade, RefundRequest } from '../types'
import { requireAmount } from './bills'
import {
  apiError,
  call,
  fail,
  isNotFound,
  notFound,
  remember,
  text,
  type Answer,
  type ChinaumsContext,
  type Json,
} from './client'
import { mapPosQueryResCode, parseDateTime, parseFen, toAcquirerNo, truncateUtf8 } from './mapping'

/**
 * Payment codes (B扫C) go through POS通: pay, query, voidpayment (paid trades), reversepayment (trades whose
 * outcome is unknown), refund, query-refund. POS通 answers errCode "00" for a processed request.
 */
const OK = '00'

function merchant(ctx: ChinaumsContext): Json {
  return { merchantCode: ctx.config.mid, terminalCode: ctx.config.tid }
}

function orderOf(ctx: ChinaumsContext, outTradeNo: string): Json {
  return { ...merchant(ctx), merchantOrderId: toAcquirerNo(ctx.trades, outTradeNo, 'out_trade_no') }
}

const unsettled = (outTradeNo: string, state: ProviderTrade['state']): ProviderTrade => ({
  outTradeNo,
  state,
  amountFen: null,
  providerTradeNo: null,
  paidAt: null,
})

/** A processed pay: `transactionDateWithYear` + `transactionTime` is when it was paid. */
function paidTrade(ctx: ChinaumsContext, outTradeNo: string, data: Json): ProviderTrade {
  const when = `${String(data.transactionDateWithYear ?? '')}${String(data.transactionTime ?? '')}`
  return {
    outTradeNo,
    state: 'SUCCESS',
    amountFen: parseFen(data.transactionAmount) ?? parseFen(data.amount),
    providerTradeNo: text(data.orderId),
    paidAt: parseDateTime(when) ?? ctx.deps.clock.now(),
  }
}

export async function payWithCode(ctx: ChinaumsContext, request: CodePayRequest): Promise<ProviderTrade> {
  if (request.wallet !== 'unionpay') {
    throw new EngineError('METHOD_UNSUPPORTED', `China UMS is set up here for UnionPay, not ${request.wallet}`)
  }
  requireAmount(request.amountFen)
  if (!/^\d{10,32}$/.test(request.authCode)) {
    throw new EngineError('PAYMENT_CODE_UNRECOGNIZED', 'a payment code is a string of digits')
  }
  const order = orderOf(ctx, request.outTradeNo)
  remember(ctx.kinds, request.outTradeNo, 'pos')
  const answer = await call(ctx, 'posPay', {
    ...order,
    transactionAmount: request.amountFen,
    transactionCurrencyCode: '156',
    merchantRemark: truncateUtf8(request.description, 64) || request.outTradeNo,
    payMode: 'CODE_SCAN',
    payCode: request.authCode,
  })
  if (answer.errCode === OK) return paidTrade(ctx, request.outTradeNo, answer.data)
  // Anything else — customer confirming, declined, busy — is settled by the trade itself. No trade: refused
  // before anything was charged.
  const trade = await queryPos(ctx, request.outTradeNo)
  return trade ?? unsettled(request.outTradeNo, 'PAYERROR')
}

/** The trade as POS通 reports it, or null when it has none. */
export async function queryPos(ctx: ChinaumsContext, outTradeNo: string): Promise<ProviderTrade | null> {
  const order = orderOf(ctx, outTradeNo)
  const answer = await call(ctx, 'posQuery', order)
  if (isNotFound(ctx, answer)) return null
  if (answer.errCode !== OK) throw apiError(answer, 'report the payment')
  const data = answer.data
  if (data.merchantOrderId !== undefined && data.merchantOrderId !== order.merchantOrderId) {
    throw fail('BAD_RESPONSE', 'China UMS answered about a different merchantOrderId')
  }
  const state = mapPosQueryResCode(data.queryResCode)
  if (!state) throw fail('BAD_RESPONSE', `unknown queryResCode ${String(data.queryResCode).slice(0, 8)}`)
  remember(ctx.kinds, outTradeNo, 'pos')
  return {
    outTradeNo,
    state,
    amountFen: parseFen(data.originalTransactionAmount) ?? parseFen(data.amount),
    providerTradeNo: text(data.orderId),
    paidAt: state === 'SUCCESS' ? parseDateTime(data.originalTransactionTime) : null,
  }
}

/**
 * Undoes a payment-code trade: a paid one is voided (撤销, the customer gets the money back), one whose
 * outcome is unknown is reversed (冲正). A failed or already undone trade holds no money: REVOKED as it is.
 */
export async function reversePos(ctx: ChinaumsContext, outTradeNo: string): Promise<ProviderTrade> {
  const trade = await queryPos(ctx, outTradeNo)
  if (!trade) return notFound(outTradeNo)
  if (trade.state === 'REVOKED' || trade.state === 'PAYERROR') return { ...trade, state: 'REVOKED', paidAt: null }
  const api = trade.state === 'SUCCESS' ? 'posVoid' : 'posReverse'
  const answer: Answer = await call(ctx, api, orderOf(ctx, outTradeNo))
  if (answer.errCode === OK) return { ...trade, state: 'REVOKED', paidAt: null }
  const after = await queryPos(ctx, outTradeNo)
  if (after?.state === 'REVOKED') return after
  throw apiError(answer, api === 'posVoid' ? 'void the payment' : 'reverse the payment')
}

export async function refundPos(ctx: ChinaumsContext, request: RefundRequest): Promise<ProviderRefund> {
  const refundRequestId = toAcquirerNo(ctx.refunds, request.outRefundNo, 'out_refund_no')
  const answer = await call(ctx, 'posRefund', {
    ...orderOf(ctx, request.outTradeNo),
    refundRequestId,
    transactionAmount: request.amountFen,
    refundDesc: truncateUtf8(request.reason.trim(), 64) || 'refund',
  })
  if (answer.errCode === OK) {
    return {
      outRefundNo: request.outRefundNo,
      state: 'SUCCESS',
      amountFen: request.amountFen,
      providerRefundNo: text(answer.data.refundOrderId),
    }
  }
  try {
    return await queryPosRefund(ctx, request.outRefundNo, request.outTradeNo)
  } catch (error) {
    if (error instanceof EngineError && error.code === 'NOT_FOUND') throw apiError(answer, 'refund')
    throw error
  }
}

export async function queryPosRefund(
  ctx: ChinaumsContext,
  outRefundNo: string,
  outTradeNo: string,
): Promise<ProviderRefund> {
  const refundRequestId = toAcquirerNo(ctx.refunds, outRefundNo, 'out_refund_no')
  const answer = await call(ctx, 'posRefundQuery', { ...orderOf(ctx, outTradeNo), refundRequestId })
  if (isNotFound(ctx, answer)) throw new EngineError('NOT_FOUND', 'China UMS has no such refund')
  if (answer.errCode !== OK) throw apiError(answer, 'report the refund')
  const data = answer.data
  const amountFen = parseFen(data.transactionAmount) ?? parseFen(data.originalAmount)
  if (amountFen === null) throw fail('BAD_RESPONSE', 'refund answer has no amount')
  return {
    outRefundNo,
    // "00" is a done refund; any other result is a refund that failed (nothing left the merchant).
    state: data.queryResCode === '00' ? 'SUCCESS' : 'CLOSED',
    amountFen,
    providerRefundNo: text(data.refundOrderId),
  }
}
