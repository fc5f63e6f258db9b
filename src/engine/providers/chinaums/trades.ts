import { EngineError } from '../../../shared/errors'
import type { ProviderRefund, ProviderTrade, RefundRequest } from '../types'
import { closeBill, queryBillAnswer, queryBillRefund, refundBill } from './bills'
import { notFound, remember, type ChinaumsContext, type TradeKind } from './client'
import { queryPos, queryPosRefund, refundPos, reversePos } from './pos'

/**
 * A trade lives in one of two APIs: QR bills or POS通. Trades made by this instance are remembered; any other
 * (after a restart) is looked for in the bills first, then in POS通.
 */
async function locate(ctx: ChinaumsContext, outTradeNo: string): Promise<{ kind: TradeKind; trade: ProviderTrade }> {
  const hint = ctx.kinds.get(outTradeNo)
  if (hint !== 'pos') {
    const bill = await queryBillAnswer(ctx, outTradeNo)
    if (bill) return { kind: 'bill', trade: bill.trade }
  }
  const pos = await queryPos(ctx, outTradeNo)
  if (pos) return { kind: 'pos', trade: pos }
  if (hint === 'pos') {
    const bill = await queryBillAnswer(ctx, outTradeNo)
    if (bill) return { kind: 'bill', trade: bill.trade }
  }
  return { kind: hint ?? 'bill', trade: notFound(outTradeNo) }
}

export async function queryTrade(ctx: ChinaumsContext, outTradeNo: string): Promise<ProviderTrade> {
  return (await locate(ctx, outTradeNo)).trade
}

export async function closeTrade(ctx: ChinaumsContext, outTradeNo: string): Promise<ProviderTrade> {
  const { kind, trade } = await locate(ctx, outTradeNo)
  if (kind === 'bill') return trade.state === 'NOT_FOUND' ? trade : closeBill(ctx, outTradeNo)
  // A payment code has no "close": a trade still unsettled is reversed; a paid or ended one is as it is.
  return trade.state === 'USERPAYING' ? reversePos(ctx, outTradeNo) : trade
}

/** Payment codes are voided or reversed; an unpaid QR bill is closed (a paid one must be refunded instead). */
export async function reverseTrade(ctx: ChinaumsContext, outTradeNo: string): Promise<ProviderTrade> {
  const { kind, trade } = await locate(ctx, outTradeNo)
  if (trade.state === 'NOT_FOUND') return trade
  if (kind === 'pos') return reversePos(ctx, outTradeNo)
  const closed = await closeBill(ctx, outTradeNo)
  if (closed.state === 'SUCCESS') {
    throw new EngineError('INVALID_STATE', 'a paid QR bill is returned by a refund, not reversed')
  }
  return { ...closed, state: closed.state === 'CLOSED' ? 'REVOKED' : closed.state }
}

async function kindOf(ctx: ChinaumsContext, outTradeNo: string): Promise<TradeKind> {
  const known = ctx.kinds.get(outTradeNo)
  if (known) return known
  const { kind, trade } = await locate(ctx, outTradeNo)
  if (trade.state === 'NOT_FOUND') throw new EngineError('NOT_FOUND', 'China UMS has no such trade')
  return kind
}

export async function refundTrade(ctx: ChinaumsContext, request: RefundRequest): Promise<ProviderRefund> {
  const kind = await kindOf(ctx, request.outTradeNo)
  remember(ctx.refundTrades, request.outRefundNo, request.outTradeNo)
  return kind === 'bill' ? refundBill(ctx, request) : refundPos(ctx, request)
}

/** Both APIs find a refund through its trade: the engine passes it; refunds made here are remembered. */
export async function queryRefund(
  ctx: ChinaumsContext,
  outRefundNo: string,
  outTradeNo?: string,
): Promise<ProviderRefund> {
  const trade = outTradeNo ?? ctx.refundTrades.get(outRefundNo)
  if (!trade) throw new EngineError('VALIDATION_FAILED', 'China UMS needs the trade (outTradeNo) to find a refund')
  const kind = await kindOf(ctx, trade)
  return kind === 'bill' ? queryBillRefund(ctx, outRefundNo, trade) : queryPosRefund(ctx, outRefundNo, trade)
}
