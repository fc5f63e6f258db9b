import { EngineError } from '../../../shared/errors'
import type { CreateQrRequest, ProviderRefund, ProviderTrade, RefundRequest } from '../types'
import {
  apiError,
  asObject,
  call,
  fail,
  isNotFound,
  notFound,
  remember,
  text,
  type ChinaumsContext,
  type Json,
} from './client'
import {
  formatDateTime,
  idDate,
  mapBillStatus,
  mapRefundStatus,
  parseDateTime,
  parseFen,
  toAcquirerNo,
  truncateUtf8,
} from './mapping'

/** QR codes (C扫B) are bills of the netpay "bills" API: get-qrcode, query, close-qrcode, refund. */

function common(ctx: ChinaumsContext): Json {
  return {
    requestTimestamp: formatDateTime(ctx.deps.clock.now()),
    mid: ctx.config.mid,
    tid: ctx.config.tid,
    instMid: ctx.config.instMid,
  }
}

/** billNo and billDate of a trade: both derive from our id, so they survive a restart. */
function billOf(ctx: ChinaumsContext, outTradeNo: string): { billNo: string; billDate: string } {
  return { billNo: toAcquirerNo(ctx.trades, outTradeNo, 'out_trade_no'), billDate: idDate(outTradeNo) }
}

export function requireAmount(amountFen: number): void {
  if (!Number.isSafeInteger(amountFen) || amountFen < 1) {
    throw new EngineError('AMOUNT_OUT_OF_RANGE', 'amount must be a positive whole number of fen')
  }
}

export async function createBill(ctx: ChinaumsContext, request: CreateQrRequest): Promise<{ qrContent: string }> {
  if (request.wallet !== 'unionpay') {
    throw new EngineError('METHOD_UNSUPPORTED', `China UMS is set up here for UnionPay, not ${request.wallet}`)
  }
  requireAmount(request.amountFen)
  const bill = billOf(ctx, request.outTradeNo)
  const answer = await call(ctx, 'billQrcode', {
    ...common(ctx),
    ...bill,
    billDesc: truncateUtf8(request.description, 128) || request.outTradeNo,
    totalAmount: request.amountFen,
    expireTime: formatDateTime(request.expiresAt),
    ...(ctx.config.notifyUrl ? { notifyUrl: ctx.config.notifyUrl } : {}),
  })
  if (answer.errCode !== 'SUCCESS') throw apiError(answer, 'create the QR code')
  const qr = text(answer.data.billQRCode)
  if (!qr) throw fail('BAD_RESPONSE', 'China UMS answer has no billQRCode')
  remember(ctx.kinds, request.outTradeNo, 'bill')
  return { qrContent: qr }
}

/** A bill answer (query or notification) → our trade; the bill must be the one asked about. */
export function billToTrade(outTradeNo: string, billNo: string, data: Json): ProviderTrade {
  if (data.billNo !== undefined && data.billNo !== billNo) {
    throw fail('BAD_RESPONSE', 'China UMS answered about a different billNo')
  }
  const state = mapBillStatus(data.billStatus)
  if (!state) throw fail('BAD_RESPONSE', `unknown billStatus ${String(data.billStatus).slice(0, 32)}`)
  const payment = asObject(data.billPayment) ?? {}
  const amountFen = parseFen(data.totalAmount) ?? parseFen(payment.totalAmount)
  if (state === 'SUCCESS' && amountFen === null) throw fail('BAD_RESPONSE', 'a paid bill without an amount')
  return {
    outTradeNo,
    state,
    amountFen,
    providerTradeNo: text(payment.targetOrderId),
    paidAt: state === 'SUCCESS' ? parseDateTime(payment.payTime) : null,
  }
}

/** The bill and the raw answer, or null when China UMS has no such bill. */
export async function queryBillAnswer(
  ctx: ChinaumsContext,
  outTradeNo: string,
): Promise<{ trade: ProviderTrade; data: Json } | null> {
  const bill = billOf(ctx, outTradeNo)
  const answer = await call(ctx, 'billQuery', { ...common(ctx), ...bill })
  if (isNotFound(ctx, answer)) return null
  if (answer.errCode !== 'SUCCESS') throw apiError(answer, 'report the bill')
  remember(ctx.kinds, outTradeNo, 'bill')
  return { trade: billToTrade(outTradeNo, bill.billNo, answer.data), data: answer.data }
}

/** The id of the QR code: close-qrcode names the code, not the bill. Older answers carry it only in the URL. */
function qrCodeIdOf(data: Json): string | null {
  const direct = text(data.qrCodeId)
  if (direct) return direct
  const url = text(data.billQRCode)
  try {
    return url ? text(new URL(url).searchParams.get('id')) : null
  } catch {
    // No readable link, no code id: closing then fails as BAD_RESPONSE and the sweep watches the bill instead.
    return null
  }
}

/** Closes an unpaid QR code. A bill paid meanwhile is returned as the success it is. */
export async function closeBill(ctx: ChinaumsContext, outTradeNo: string): Promise<ProviderTrade> {
  const found = await queryBillAnswer(ctx, outTradeNo)
  if (!found) return notFound(outTradeNo)
  if (found.trade.state !== 'NOTPAY' && found.trade.state !== 'USERPAYING') return found.trade
  const qrCodeId = qrCodeIdOf(found.data)
  if (!qrCodeId) throw fail('BAD_RESPONSE', 'China UMS reported no qrCodeId for the bill')
  const answer = await call(ctx, 'billClose', { ...common(ctx), qrCodeId })
  if (answer.errCode === 'SUCCESS') return { ...found.trade, state: 'CLOSED', paidAt: null }
  // Refused: most likely paid in the meantime. The bill itself is the truth.
  const after = await queryBillAnswer(ctx, outTradeNo)
  if (after && (after.trade.state === 'SUCCESS' || after.trade.state === 'CLOSED')) return after.trade
  throw apiError(answer, 'close the QR code')
}

function requireRefundAmount(request: RefundRequest): void {
  if (
    !Number.isSafeInteger(request.amountFen) ||
    !Number.isSafeInteger(request.totalFen) ||
    request.amountFen < 1 ||
    request.amountFen > request.totalFen
  ) {
    throw new EngineError('AMOUNT_OUT_OF_RANGE', 'refund must be between 1 fen and the amount paid')
  }
}

function toRefund(outRefundNo: string, data: Json, fallbackFen: number | null): ProviderRefund {
  const state = mapRefundStatus(data.refundStatus ?? 'PROCESSING')
  if (!state) throw fail('BAD_RESPONSE', `unknown refundStatus ${String(data.refundStatus).slice(0, 32)}`)
  const payment = asObject(data.refundBillPayment) ?? {}
  const amountFen = parseFen(payment.refundAmount) ?? fallbackFen ?? parseFen(data.refundAmount)
  if (amountFen === null) throw fail('BAD_RESPONSE', 'refund answer has no amount')
  return {
    outRefundNo,
    state,
    amountFen,
    providerRefundNo: text(data.refundTargetOrderId) ?? text(data.refundOrderId),
  }
}

export async function refundBill(ctx: ChinaumsContext, request: RefundRequest): Promise<ProviderRefund> {
  requireRefundAmount(request)
  const refundOrderId = toAcquirerNo(ctx.refunds, request.outRefundNo, 'out_refund_no')
  const answer = await call(ctx, 'billRefund', {
    ...common(ctx),
    ...billOf(ctx, request.outTradeNo),
    refundOrderId,
    refundAmount: request.amountFen,
    refundDesc: truncateUtf8(request.reason.trim(), 255) || 'refund',
  })
  if (answer.errCode !== 'SUCCESS') throw apiError(answer, 'refund')
  if (answer.data.refundOrderId !== undefined && answer.data.refundOrderId !== refundOrderId) {
    throw fail('BAD_RESPONSE', 'China UMS answered about a different refundOrderId')
  }
  return toRefund(request.outRefundNo, answer.data, request.amountFen)
}

/** A bill refund is asked about through the bill query, naming the refund (refundOrderId). */
export async function queryBillRefund(
  ctx: ChinaumsContext,
  outRefundNo: string,
  outTradeNo: string,
): Promise<ProviderRefund> {
  const refundOrderId = toAcquirerNo(ctx.refunds, outRefundNo, 'out_refund_no')
  const answer = await call(ctx, 'billQuery', { ...common(ctx), ...billOf(ctx, outTradeNo), refundOrderId })
  if (isNotFound(ctx, answer) || (answer.errCode === 'SUCCESS' && answer.data.refundOrderId !== refundOrderId)) {
    throw new EngineError('NOT_FOUND', 'China UMS has no such refund')
  }
  if (answer.errCode !== 'SUCCESS') throw apiError(answer, 'report the refund')
  return toRefund(outRefundNo, answer.data, null)
}
