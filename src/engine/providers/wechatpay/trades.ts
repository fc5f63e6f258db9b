import { EngineError } from '../../../shared/errors'
import type { CodePayRequest, CreateQrRequest, ProviderTrade, TradeState } from '../types'
import {
  asObject,
  fail,
  requireOutNo,
  UNUSED_NOTIFY_URL,
  type Answer,
  type Json,
  type WechatPayContext,
} from './context'
import { apiError, call } from './gateway'
import { CODEPAY_DECLINE_CODES, mapTradeState, parseRfc3339, toRfc3339Shanghai, truncateUtf8 } from './mapping'

/** A transaction object (query answer, codepay answer, decrypted notification) → our trade. */
export function toTrade(ctx: WechatPayContext, outTradeNo: string, transaction: Json): ProviderTrade {
  const state = mapTradeState(transaction.trade_state)
  if (!state) throw fail('BAD_RESPONSE', `unknown trade_state ${String(transaction.trade_state).slice(0, 32)}`)
  if (transaction.out_trade_no !== undefined && transaction.out_trade_no !== outTradeNo) {
    throw fail('BAD_RESPONSE', 'WeChat Pay answered about a different out_trade_no')
  }
  if (transaction.mchid !== undefined && transaction.mchid !== ctx.config.mchId) {
    throw fail('BAD_RESPONSE', 'WeChat Pay answered about a different merchant')
  }
  const total = asObject(transaction.amount)?.total
  return {
    outTradeNo,
    state,
    amountFen: typeof total === 'number' && Number.isSafeInteger(total) && total >= 0 ? total : null,
    providerTradeNo:
      typeof transaction.transaction_id === 'string' && transaction.transaction_id ? transaction.transaction_id : null,
    paidAt: state === 'SUCCESS' ? parseRfc3339(transaction.success_time) : null,
  }
}

/** A trade known only by its state (closed, reversed, not found, a customer still confirming). */
function bareTrade(outTradeNo: string, state: TradeState): ProviderTrade {
  return { outTradeNo, state, amountFen: null, providerTradeNo: null, paidAt: null }
}

function requireAmount(amountFen: number): void {
  if (!Number.isSafeInteger(amountFen) || amountFen < 1) {
    throw new EngineError('AMOUNT_OUT_OF_RANGE', 'amount must be a positive whole number of fen')
  }
}

export async function query(ctx: WechatPayContext, outTradeNo: string): Promise<ProviderTrade> {
  const no = requireOutNo(outTradeNo, 'out_trade_no')
  const answer = await call(
    ctx,
    'GET',
    `/v3/pay/transactions/out-trade-no/${no}?mchid=${encodeURIComponent(ctx.config.mchId)}`,
  )
  if (answer.status === 200) return toTrade(ctx, outTradeNo, answer.data)
  if (answer.status === 404 || answer.data.code === 'ORDER_NOT_EXIST') return bareTrade(outTradeNo, 'NOT_FOUND')
  throw apiError(answer, 'report the trade')
}

/** A Native order: the code_url the customer scans. */
export async function createQr(ctx: WechatPayContext, request: CreateQrRequest): Promise<{ qrContent: string }> {
  requireOutNo(request.outTradeNo, 'out_trade_no')
  requireAmount(request.amountFen)
  const { config } = ctx
  const answer = await call(ctx, 'POST', '/v3/pay/transactions/native', {
    appid: config.appId,
    mchid: config.mchId,
    description: truncateUtf8(request.description, 127) || request.outTradeNo,
    out_trade_no: request.outTradeNo,
    time_expire: toRfc3339Shanghai(request.expiresAt),
    notify_url: config.notifyUrl ?? UNUSED_NOTIFY_URL,
    amount: { total: request.amountFen, currency: 'CNY' },
  })
  if (answer.status === 200 && typeof answer.data.code_url === 'string' && answer.data.code_url) {
    return { qrContent: answer.data.code_url }
  }
  if (answer.data.code === 'OUT_TRADE_NO_USED') {
    throw new EngineError('IDEMPOTENCY_CONFLICT', 'out_trade_no was already used with different parameters')
  }
  if (answer.status === 200) throw fail('BAD_RESPONSE', 'WeChat Pay answer has no code_url')
  throw apiError(answer, 'create the order')
}

export async function close(ctx: WechatPayContext, outTradeNo: string): Promise<ProviderTrade> {
  const no = requireOutNo(outTradeNo, 'out_trade_no')
  const answer = await call(ctx, 'POST', `/v3/pay/transactions/out-trade-no/${no}/close`, { mchid: ctx.config.mchId })
  if (answer.status === 204 || answer.status === 200) return bareTrade(outTradeNo, 'CLOSED')
  const code = answer.data.code
  // The customer paid between our query and the close: the trade is a success, as a query shows.
  if (code === 'ORDERPAID') return query(ctx, outTradeNo)
  if (code === 'ORDER_CLOSED') return bareTrade(outTradeNo, 'CLOSED')
  if (answer.status === 404 || code === 'ORDER_NOT_EXIST') return bareTrade(outTradeNo, 'NOT_FOUND')
  throw apiError(answer, 'close the order')
}

/** Charges a customer's payment code through the v3 codepay API. */
export async function payWithCode(ctx: WechatPayContext, request: CodePayRequest): Promise<ProviderTrade> {
  requireOutNo(request.outTradeNo, 'out_trade_no')
  requireAmount(request.amountFen)
  if (!/^\d{10,32}$/.test(request.authCode)) {
    throw new EngineError('PAYMENT_CODE_UNRECOGNIZED', 'a WeChat Pay payment code is a string of digits')
  }
  const { config } = ctx
  const answer = await call(ctx, 'POST', '/v3/pay/transactions/codepay', {
    appid: config.appId,
    mchid: config.mchId,
    description: truncateUtf8(request.description, 127) || request.outTradeNo,
    out_trade_no: request.outTradeNo,
    payer: { auth_code: request.authCode },
    amount: { total: request.amountFen, currency: 'CNY' },
    scene_info: { store_info: { out_id: config.storeId || config.mchId } },
  })
  return codePayOutcome(ctx, request.outTradeNo, answer)
}

async function codePayOutcome(ctx: WechatPayContext, outTradeNo: string, answer: Answer): Promise<ProviderTrade> {
  const code = typeof answer.data.code === 'string' ? answer.data.code : null
  const success = answer.status >= 200 && answer.status < 300
  if (success && answer.data.trade_state !== undefined) return toTrade(ctx, outTradeNo, answer.data)
  if (code === 'USERPAYING' || answer.status === 202) return bareTrade(outTradeNo, 'USERPAYING')
  if (code !== null && CODEPAY_DECLINE_CODES.has(code)) return bareTrade(outTradeNo, 'PAYERROR')
  // A retried code payment, or a success answer without a state: the trade itself is the truth.
  if (code === 'ORDERPAID' || code === 'OUT_TRADE_NO_USED' || success) return query(ctx, outTradeNo)
  // SYSTEM_ERROR, BANK_ERROR…: the wallet may or may not have charged; the engine queries and reverses.
  throw apiError(answer, 'charge the payment code')
}

export async function reverse(ctx: WechatPayContext, outTradeNo: string): Promise<ProviderTrade> {
  const no = requireOutNo(outTradeNo, 'out_trade_no')
  const answer = await call(ctx, 'POST', `/v3/pay/transactions/out-trade-no/${no}/reverse`, {
    appid: ctx.config.appId,
    mchid: ctx.config.mchId,
  })
  if (answer.status === 200 || answer.status === 204) return bareTrade(outTradeNo, 'REVOKED')
  if (answer.status === 404 || answer.data.code === 'ORDER_NOT_EXIST') return bareTrade(outTradeNo, 'NOT_FOUND')
  throw apiError(answer, 'reverse the payment')
}
