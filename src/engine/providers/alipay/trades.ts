import { EngineError } from '../../../shared/errors'
import type { PaymentMethod, WalletId } from '../../../shared/wallets'
import type { CodePayRequest, CreateQrRequest, ProviderTrade } from '../types'
import type { GatewayAnswer } from './client'
import { fail, NOT_EXIST, notFound, remember, stringOrNull, tradeStateOf, type AlipayContext } from './context'
import { assertMerchantNo, formatBeijingTime, parseBeijingTime, toSubject, toYuan, yuanToFen } from './format'

const HUABEI_PERIODS = new Set([3, 6, 12])
/** Sub-codes of alipay.trade.pay that mean the outcome is unknown rather than refused. */
const PAY_UNKNOWN = new Set(['ACQ.SYSTEM_ERROR', 'aop.ACQ.SYSTEM_ERROR'])

export function supports(wallet: WalletId, method: PaymentMethod): boolean {
  return (
    (wallet === 'alipay' && (method === 'qr' || method === 'payment-code')) || (wallet === 'huabei' && method === 'qr')
  )
}

function tradeFromQuery(ctx: AlipayContext, outTradeNo: string, data: Record<string, unknown>): ProviderTrade {
  const status = data.trade_status
  const state = tradeStateOf(ctx, status, outTradeNo)
  if (!state) throw new EngineError('PROVIDER_ERROR', `Alipay reported an unknown trade status ${String(status)}`)
  const amountFen = yuanToFen(data.total_amount)
  if (state === 'SUCCESS' && amountFen === null) {
    throw new EngineError('PROVIDER_ERROR', 'Alipay reported a paid trade without an amount')
  }
  return {
    outTradeNo,
    state,
    amountFen,
    providerTradeNo: typeof data.trade_no === 'string' ? data.trade_no : null,
    paidAt: state === 'SUCCESS' ? (parseBeijingTime(data.send_pay_date) ?? parseBeijingTime(data.gmt_payment)) : null,
  }
}

export async function query(ctx: AlipayContext, outTradeNo: string): Promise<ProviderTrade> {
  assertMerchantNo(outTradeNo, 'out_trade_no')
  const answer = await ctx.gateway.call('alipay.trade.query', { out_trade_no: outTradeNo })
  if (answer.code === '10000') return tradeFromQuery(ctx, outTradeNo, answer.data)
  if (answer.subCode === NOT_EXIST) return notFound(outTradeNo)
  fail(answer, 'the query')
}

/** alipay.trade.precreate: the QR the customer scans (Alipay, or Huabei in installments). */
export async function createQr(ctx: AlipayContext, request: CreateQrRequest): Promise<{ qrContent: string }> {
  assertMerchantNo(request.outTradeNo, 'out_trade_no')
  if (!supports(request.wallet, 'qr')) {
    throw new EngineError('METHOD_UNSUPPORTED', `Alipay cannot take ${request.wallet} by QR`)
  }
  const biz: Record<string, unknown> = {
    out_trade_no: request.outTradeNo,
    total_amount: toYuan(request.amountFen),
    subject: toSubject(request.description),
    product_code: 'FACE_TO_FACE_PAYMENT',
    time_expire: formatBeijingTime(request.expiresAt),
  }
  if (request.wallet === 'huabei') biz.extend_params = huabeiParams(ctx, request)
  const answer = await ctx.gateway.call('alipay.trade.precreate', biz, { withNotifyUrl: true })
  if (answer.code !== '10000') fail(answer, 'to create the QR code')
  const qrCode = answer.data.qr_code
  if (typeof qrCode !== 'string' || qrCode === '') throw new EngineError('PROVIDER_ERROR', 'Alipay returned no qr_code')
  return { qrContent: qrCode }
}

function huabeiParams(ctx: AlipayContext, request: CreateQrRequest): Record<string, string> {
  if (request.installments === null || !HUABEI_PERIODS.has(request.installments)) {
    throw new EngineError('INSTALLMENTS_UNAVAILABLE', 'Huabei takes 3, 6 or 12 installments')
  }
  const payer = request.installmentFeePayer
  const percent = payer === null ? ctx.sellerPercent : payer === 'merchant' ? 100 : 0
  return { hb_fq_num: String(request.installments), hb_fq_seller_percent: String(percent) }
}

export async function close(ctx: AlipayContext, outTradeNo: string): Promise<ProviderTrade> {
  assertMerchantNo(outTradeNo, 'out_trade_no')
  const answer = await ctx.gateway.call('alipay.trade.close', { out_trade_no: outTradeNo })
  if (answer.code === '10000') {
    return {
      outTradeNo,
      state: 'CLOSED',
      amountFen: null,
      providerTradeNo: stringOrNull(answer.data.trade_no),
      paidAt: null,
    }
  }
  // A QR code nobody has scanned yet has no trade at Alipay: there is nothing to close.
  if (answer.subCode === NOT_EXIST) return notFound(outTradeNo)
  // ACQ.TRADE_STATUS_ERROR: already paid (or already closed): the query says which.
  if (answer.subCode === 'ACQ.TRADE_STATUS_ERROR') return query(ctx, outTradeNo)
  fail(answer, 'to close the trade')
}

/** alipay.trade.pay with the customer's payment code (bar_code scene). */
export async function payWithCode(ctx: AlipayContext, request: CodePayRequest): Promise<ProviderTrade> {
  assertMerchantNo(request.outTradeNo, 'out_trade_no')
  if (!supports(request.wallet, 'payment-code')) {
    throw new EngineError('METHOD_UNSUPPORTED', `Alipay cannot take ${request.wallet} by payment code`)
  }
  remember(ctx.codeTrades, request.outTradeNo)
  const biz = {
    out_trade_no: request.outTradeNo,
    scene: 'bar_code',
    auth_code: request.authCode,
    total_amount: toYuan(request.amountFen),
    subject: toSubject(request.description),
    product_code: 'FACE_TO_FACE_PAYMENT',
  }
  const answer = await ctx.gateway.call('alipay.trade.pay', biz, { withNotifyUrl: true })
  return payOutcome(ctx, request, answer)
}

async function payOutcome(ctx: AlipayContext, request: CodePayRequest, answer: GatewayAnswer): Promise<ProviderTrade> {
  const { outTradeNo } = request
  const providerTradeNo = stringOrNull(answer.data.trade_no)
  if (answer.code === '10000') {
    const paidAt = parseBeijingTime(answer.data.gmt_payment) ?? ctx.deps.clock.now()
    return { outTradeNo, state: 'SUCCESS', amountFen: yuanToFen(answer.data.total_amount), providerTradeNo, paidAt }
  }
  if (answer.code === '10003') {
    return { outTradeNo, state: 'USERPAYING', amountFen: request.amountFen, providerTradeNo, paidAt: null }
  }
  // Unknown outcome (system error) or a retry of a trade that already ended: Alipay's books decide.
  if (
    answer.code === '20000' ||
    PAY_UNKNOWN.has(answer.subCode ?? '') ||
    answer.subCode === 'ACQ.TRADE_HAS_SUCCESS' ||
    answer.subCode === 'ACQ.TRADE_HAS_CLOSE'
  ) {
    const trade = await query(ctx, outTradeNo)
    if (trade.state === 'NOT_FOUND') fail(answer, 'the payment code')
    return trade
  }
  if (answer.code === '40004') return { outTradeNo, state: 'PAYERROR', amountFen: null, providerTradeNo, paidAt: null }
  fail(answer, 'the payment code')
}

/** alipay.trade.cancel, retried while Alipay answers retry_flag=Y. */
export async function reverse(ctx: AlipayContext, outTradeNo: string): Promise<ProviderTrade> {
  assertMerchantNo(outTradeNo, 'out_trade_no')
  let attempt = 1
  for (;;) {
    const answer = await ctx.gateway.call('alipay.trade.cancel', { out_trade_no: outTradeNo })
    if (answer.code === '10000') {
      // action close: unpaid trade closed; refund: paid trade returned to the customer. Either way no money stays.
      const providerTradeNo = stringOrNull(answer.data.trade_no)
      return { outTradeNo, state: 'REVOKED', amountFen: null, providerTradeNo, paidAt: null }
    }
    if (answer.subCode === NOT_EXIST) return notFound(outTradeNo)
    if (answer.data.retry_flag !== 'Y' || attempt >= ctx.cancelAttempts) fail(answer, 'to cancel the trade')
    attempt++
    await delay(ctx.cancelRetryDelayMs)
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
