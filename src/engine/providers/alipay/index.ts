import type { KeyObject } from 'node:crypto'
import { EngineError } from '../../../shared/errors'
import type { PaymentMethod, WalletId } from '../../../shared/wallets'
import type { AdapterDeps, ConnectionTestResult } from '../common'
import type {
  CodePayRequest,
  CreateQrRequest,
  IncomingNotification,
  PaymentProvider,
  ProviderRefund,
  ProviderTrade,
  RefundRequest,
  TradeState,
} from '../types'
import { createGatewayClient, GatewayError, type GatewayAnswer } from './client'
import type { AlipayConfig } from './config'
import { loadPrivateKey, loadPublicKey } from './crypto'
import { assertMerchantNo, formatBeijingTime, parseBeijingTime, toSubject, toYuan, yuanToFen } from './format'
import { FormError, parseForm, verifyNotification } from './notification'

export type { AlipayConfig } from './config'

export interface AlipayTuning {
  /** alipay.trade.cancel answers retry_flag=Y when it could not finish: how often and how far apart to retry. */
  cancelAttempts?: number
  cancelRetryDelayMs?: number
  /** Notifications whose notify_time is further than this from our clock are refused as replays. */
  notificationMaxAgeMs?: number
}

export type AlipayProvider = Omit<PaymentProvider, 'queryRefund'> & {
  testConnection(): Promise<ConnectionTestResult>
  /**
   * Alipay's refund query needs the trade as well as out_request_no. Refunds made through this instance
   * are remembered; after a restart the caller must pass outTradeNo.
   */
  queryRefund(outRefundNo: string, outTradeNo?: string): Promise<ProviderRefund>
}

const HUABEI_PERIODS = new Set([3, 6, 12])
const NOT_EXIST = 'ACQ.TRADE_NOT_EXIST'
/** Sub-codes of alipay.trade.pay that mean the outcome is unknown rather than refused. */
const PAY_UNKNOWN = new Set(['ACQ.SYSTEM_ERROR', 'aop.ACQ.SYSTEM_ERROR'])
/** Refund refusals that may succeed later with the same out_request_no. */
const REFUND_RETRYABLE = new Set(['ACQ.SYSTEM_ERROR', 'ACQ.SELLER_BALANCE_NOT_ENOUGH', 'ACQ.REFUND_CHARGE_ERROR'])
/** Bound of each in-memory hint set (payment-code trades, refund → trade, accepted notifications). */
const MEMORY_MAX = 10_000

export function createAlipayProvider(
  config: AlipayConfig,
  deps: AdapterDeps,
  tuning: AlipayTuning = {},
): AlipayProvider {
  const key = `alipay:${config.mode}`
  let appPrivateKey: KeyObject
  let alipayPublicKey: KeyObject
  try {
    appPrivateKey = loadPrivateKey(config.appPrivateKeyPem)
    alipayPublicKey = loadPublicKey(config.alipayPublicKeyPem)
  } catch (error) {
    throw new EngineError('VALIDATION_FAILED', (error as Error).message)
  }
  const gateway = createGatewayClient(config, deps, { appPrivateKey, alipayPublicKey }, key)
  const cancelAttempts = tuning.cancelAttempts ?? 5
  const cancelRetryDelayMs = tuning.cancelRetryDelayMs ?? 1000
  const notificationMaxAgeMs = tuning.notificationMaxAgeMs ?? 15 * 60_000
  const sellerPercent = config.huabeiSellerPercent ?? 0
  /** Trades started by payment code: their WAIT_BUYER_PAY means the customer is confirming in the app. */
  const codeTrades = new Set<string>()
  const refundTrades = new Map<string, string>()
  const seenNotifications = new Set<string>()

  function fail(answer: GatewayAnswer, what: string): never {
    const reason = answer.subMsg ?? answer.msg
    throw new EngineError(
      'PROVIDER_ERROR',
      `Alipay refused ${what}: ${answer.subCode ?? answer.code} ${reason}`.trim(),
      {
        code: answer.code,
        subCode: answer.subCode,
      },
    )
  }

  function tradeFromQuery(outTradeNo: string, data: Record<string, unknown>): ProviderTrade {
    const status = data.trade_status
    let state: TradeState
    if (status === 'TRADE_SUCCESS' || status === 'TRADE_FINISHED') state = 'SUCCESS'
    else if (status === 'TRADE_CLOSED') state = 'CLOSED'
    else if (status === 'WAIT_BUYER_PAY') state = codeTrades.has(outTradeNo) ? 'USERPAYING' : 'NOTPAY'
    else throw new EngineError('PROVIDER_ERROR', `Alipay reported an unknown trade status ${String(status)}`)
    const amountFen = yuanToFen(data.total_amount)
    if (state === 'SUCCESS' && amountFen === null)
      throw new EngineError('PROVIDER_ERROR', 'Alipay reported a paid trade without an amount')
    return {
      outTradeNo,
      state,
      amountFen,
      providerTradeNo: typeof data.trade_no === 'string' ? data.trade_no : null,
      paidAt: state === 'SUCCESS' ? (parseBeijingTime(data.send_pay_date) ?? parseBeijingTime(data.gmt_payment)) : null,
    }
  }

  async function query(outTradeNo: string): Promise<ProviderTrade> {
    assertMerchantNo(outTradeNo, 'out_trade_no')
    const answer = await gateway.call('alipay.trade.query', { out_trade_no: outTradeNo })
    if (answer.code === '10000') return tradeFromQuery(outTradeNo, answer.data)
    if (answer.subCode === NOT_EXIST) return notFound(outTradeNo)
    fail(answer, 'the query')
  }

  async function refundQuery(outTradeNo: string, outRefundNo: string): Promise<ProviderRefund | null> {
    const answer = await gateway.call('alipay.trade.fastpay.refund.query', {
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

  async function connectionTest(): Promise<ConnectionTestResult> {
    const probe = `hutong_probe_${deps.clock.now()}`
    let answer: GatewayAnswer
    try {
      answer = await gateway.call('alipay.trade.query', { out_trade_no: probe }, { allowUnsignedError: true })
    } catch (error) {
      if (error instanceof GatewayError) {
        if (error.kind === 'bad_signature') {
          return result(
            'BAD_RESPONSE_SIGNATURE',
            'Alipay answered, but its signature does not match the Alipay public key you entered. Copy the Alipay public key (支付宝公钥) again — not your app public key.',
          )
        }
        if (error.kind === 'bad_response') {
          return result(
            'WRONG_GATEWAY',
            `The gateway address did not answer like Alipay (${error.message}). Check the gateway URL for ${config.mode}.`,
          )
        }
        return result(
          'UNREACHABLE',
          `Alipay could not be reached: ${error.message}. Check the internet connection and the gateway URL.`,
        )
      }
      return result('UNREACHABLE', 'Alipay could not be reached. Check the internet connection and the gateway URL.')
    }
    if (answer.verified && (answer.subCode === NOT_EXIST || answer.code === '10000')) {
      return { ok: true, code: 'OK', message: 'Connected: Alipay accepted the keys and its answer was verified.' }
    }
    const sub = answer.subCode ?? ''
    if (sub === 'isv.invalid-signature') {
      return result(
        'WRONG_KEY',
        'Alipay could not verify our request signature: the app private key does not match the app public key uploaded to the Alipay console, or the App ID belongs to another app.',
      )
    }
    if (sub === 'isv.invalid-timestamp') {
      const skew =
        answer.serverTime === null
          ? ''
          : ` (this computer is ${Math.round((deps.clock.now() - answer.serverTime) / 1000)} s off Alipay's clock)`
      deps.onSecurityEvent({
        provider: key,
        kind: 'clock_skew',
        detail: `alipay rejected the request timestamp${skew}`,
      })
      return result(
        'CLOCK_SKEW',
        `Alipay refused the request time${skew}. Set this computer's clock and time zone automatically.`,
      )
    }
    if (sub === 'isv.invalid-app-id' || sub === 'isv.app-unavailable' || sub === 'isv.invalid-app-status') {
      return result(
        'REJECTED',
        `Alipay does not accept this App ID (${sub}). Check the App ID and that the app is online for ${config.mode}.`,
      )
    }
    if (sub === 'isv.insufficient-isv-permissions' || sub === 'isv.insufficient-user-permissions') {
      return result(
        'REJECTED',
        'Alipay accepted the keys, but this app has not signed the face-to-face payment (当面付) product.',
      )
    }
    return result(
      'REJECTED',
      `Alipay refused the test call: ${sub || answer.code} ${answer.subMsg ?? answer.msg}`.trim(),
    )
  }

  const provider: AlipayProvider = {
    key,
    mode: config.mode,

    supports(wallet: WalletId, method: PaymentMethod) {
      return (
        (wallet === 'alipay' && (method === 'qr' || method === 'payment-code')) ||
        (wallet === 'huabei' && method === 'qr')
      )
    },

    async createQr(request: CreateQrRequest) {
      assertMerchantNo(request.outTradeNo, 'out_trade_no')
      if (!provider.supports(request.wallet, 'qr'))
        throw new EngineError('METHOD_UNSUPPORTED', `Alipay cannot take ${request.wallet} by QR`)
      const biz: Record<string, unknown> = {
        out_trade_no: request.outTradeNo,
        total_amount: toYuan(request.amountFen),
        subject: toSubject(request.description),
        product_code: 'FACE_TO_FACE_PAYMENT',
        time_expire: formatBeijingTime(request.expiresAt),
      }
      if (request.wallet === 'huabei') {
        if (request.installments === null || !HUABEI_PERIODS.has(request.installments)) {
          throw new EngineError('INSTALLMENTS_UNAVAILABLE', 'Huabei takes 3, 6 or 12 installments')
        }
        const percent =
          request.installmentFeePayer === null ? sellerPercent : request.installmentFeePayer === 'merchant' ? 100 : 0
        biz.extend_params = { hb_fq_num: String(request.installments), hb_fq_seller_percent: String(percent) }
      }
      const answer = await gateway.call('alipay.trade.precreate', biz, { withNotifyUrl: true })
      if (answer.code !== '10000') fail(answer, 'to create the QR code')
      const qrCode = answer.data.qr_code
      if (typeof qrCode !== 'string' || qrCode === '')
        throw new EngineError('PROVIDER_ERROR', 'Alipay returned no qr_code')
      return { qrContent: qrCode }
    },

    query,

    async close(outTradeNo) {
      assertMerchantNo(outTradeNo, 'out_trade_no')
      const answer = await gateway.call('alipay.trade.close', { out_trade_no: outTradeNo })
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
      if (answer.subCode === 'ACQ.TRADE_STATUS_ERROR') return query(outTradeNo)
      fail(answer, 'to close the trade')
    },

    async payWithCode(request: CodePayRequest) {
      assertMerchantNo(request.outTradeNo, 'out_trade_no')
      if (!provider.supports(request.wallet, 'payment-code')) {
        throw new EngineError('METHOD_UNSUPPORTED', `Alipay cannot take ${request.wallet} by payment code`)
      }
      remember(codeTrades, request.outTradeNo)
      const answer = await gateway.call(
        'alipay.trade.pay',
        {
          out_trade_no: request.outTradeNo,
          scene: 'bar_code',
          auth_code: request.authCode,
          total_amount: toYuan(request.amountFen),
          subject: toSubject(request.description),
          product_code: 'FACE_TO_FACE_PAYMENT',
        },
        { withNotifyUrl: true },
      )
      if (answer.code === '10000') {
        return {
          outTradeNo: request.outTradeNo,
          state: 'SUCCESS',
          amountFen: yuanToFen(answer.data.total_amount),
          providerTradeNo: stringOrNull(answer.data.trade_no),
          paidAt: parseBeijingTime(answer.data.gmt_payment) ?? deps.clock.now(),
        }
      }
      if (answer.code === '10003') {
        return {
          outTradeNo: request.outTradeNo,
          state: 'USERPAYING',
          amountFen: request.amountFen,
          providerTradeNo: stringOrNull(answer.data.trade_no),
          paidAt: null,
        }
      }
      // Unknown outcome (system error) or a retry of a trade that already ended: Alipay's books decide.
      if (
        answer.code === '20000' ||
        PAY_UNKNOWN.has(answer.subCode ?? '') ||
        answer.subCode === 'ACQ.TRADE_HAS_SUCCESS' ||
        answer.subCode === 'ACQ.TRADE_HAS_CLOSE'
      ) {
        const trade = await query(request.outTradeNo)
        if (trade.state === 'NOT_FOUND') fail(answer, 'the payment code')
        return trade
      }
      if (answer.code === '40004') {
        return {
          outTradeNo: request.outTradeNo,
          state: 'PAYERROR',
          amountFen: null,
          providerTradeNo: stringOrNull(answer.data.trade_no),
          paidAt: null,
        }
      }
      fail(answer, 'the payment code')
    },

    async reverse(outTradeNo) {
      assertMerchantNo(outTradeNo, 'out_trade_no')
      let last: GatewayAnswer | null = null
      for (let attempt = 1; attempt <= cancelAttempts; attempt++) {
        if (attempt > 1) await delay(cancelRetryDelayMs)
        const answer = await gateway.call('alipay.trade.cancel', { out_trade_no: outTradeNo })
        last = answer
        if (answer.code === '10000') {
          // action close: unpaid trade closed; refund: paid trade returned to the customer. Either way no money stays.
          return {
            outTradeNo,
            state: 'REVOKED',
            amountFen: null,
            providerTradeNo: stringOrNull(answer.data.trade_no),
            paidAt: null,
          }
        }
        if (answer.subCode === NOT_EXIST) return notFound(outTradeNo)
        if (answer.data.retry_flag !== 'Y') break
      }
      fail(last!, 'to cancel the trade')
    },

    async refund(request: RefundRequest): Promise<ProviderRefund> {
      assertMerchantNo(request.outTradeNo, 'out_trade_no')
      assertMerchantNo(request.outRefundNo, 'out_request_no')
      if (request.amountFen > request.totalFen)
        throw new EngineError('AMOUNT_OUT_OF_RANGE', 'refund exceeds the amount paid')
      remember(refundTrades, request.outRefundNo, request.outTradeNo)
      const answer = await gateway.call('alipay.trade.refund', {
        out_trade_no: request.outTradeNo,
        out_request_no: request.outRefundNo,
        refund_amount: toYuan(request.amountFen),
        refund_reason: toSubject(request.reason || 'Refund'),
      })
      if (answer.code === '10000') {
        if (answer.data.fund_change === 'Y') {
          return {
            outRefundNo: request.outRefundNo,
            state: 'SUCCESS',
            amountFen: request.amountFen,
            providerRefundNo:
              typeof answer.data.trade_no === 'string' ? `${answer.data.trade_no}:${request.outRefundNo}` : null,
          }
        }
        // fund_change=N: no money moved by this call (typically a retry of a refund already made): ask.
        const found = await refundQuery(request.outTradeNo, request.outRefundNo)
        return (
          found ?? {
            outRefundNo: request.outRefundNo,
            state: 'PROCESSING',
            amountFen: request.amountFen,
            providerRefundNo: null,
          }
        )
      }
      if (REFUND_RETRYABLE.has(answer.subCode ?? '') || answer.code === '20000') fail(answer, 'the refund')
      if (answer.code === '40004') {
        return {
          outRefundNo: request.outRefundNo,
          state: 'ABNORMAL',
          amountFen: request.amountFen,
          providerRefundNo: null,
        }
      }
      fail(answer, 'the refund')
    },

    async queryRefund(outRefundNo: string, outTradeNo?: string) {
      assertMerchantNo(outRefundNo, 'out_request_no')
      const tradeNo = outTradeNo ?? refundTrades.get(outRefundNo)
      if (!tradeNo) throw new EngineError('VALIDATION_FAILED', 'Alipay needs the out_trade_no to look up a refund')
      assertMerchantNo(tradeNo, 'out_trade_no')
      const found = await refundQuery(tradeNo, outRefundNo)
      if (!found) throw new EngineError('NOT_FOUND', 'no such refund at Alipay')
      return found
    },

    async parseNotification(notification: IncomingNotification) {
      const refuse = (kind: 'notification_signature' | 'notification_replay', detail: string): never => {
        deps.onSecurityEvent({ provider: key, kind, detail })
        throw new EngineError('NOTIFICATION_REJECTED', `Alipay notification rejected: ${detail}`)
      }
      let fields: ReturnType<typeof parseForm>
      try {
        fields = parseForm(notification.body, notification.headers['content-type'])
      } catch (error) {
        return refuse('notification_signature', error instanceof FormError ? error.message : 'unreadable form body')
      }
      const text = (name: string) => fields.get(name)?.text ?? ''
      if (text('sign_type') !== 'RSA2')
        refuse('notification_signature', `sign_type ${text('sign_type') || 'missing'} is not RSA2`)
      if (!verifyNotification(fields, alipayPublicKey))
        refuse('notification_signature', 'the signature does not verify')
      if (text('app_id') !== config.appId) refuse('notification_signature', 'the notification is for another app_id')
      const sentAt = parseBeijingTime(text('notify_time'))
      if (sentAt === null || Math.abs(deps.clock.now() - sentAt) > notificationMaxAgeMs) {
        refuse('notification_replay', 'notify_time is outside the accepted window')
      }
      const sign = text('sign')
      if (seenNotifications.has(sign)) refuse('notification_replay', 'this exact notification was already accepted')
      const outTradeNo = text('out_trade_no')
      if (!outTradeNo) refuse('notification_signature', 'the notification names no out_trade_no')
      const amountFen = yuanToFen(text('total_amount'))
      if (amountFen === null) refuse('notification_signature', 'the notification has no valid total_amount')
      const status = text('trade_status')
      const state: TradeState | null =
        status === 'TRADE_SUCCESS' || status === 'TRADE_FINISHED'
          ? 'SUCCESS'
          : status === 'TRADE_CLOSED'
            ? 'CLOSED'
            : status === 'WAIT_BUYER_PAY'
              ? codeTrades.has(outTradeNo)
                ? 'USERPAYING'
                : 'NOTPAY'
              : null
      if (!state) refuse('notification_signature', `unknown trade_status ${status}`)
      remember(seenNotifications, sign)
      return {
        outTradeNo,
        state: state!,
        amountFen,
        providerTradeNo: text('trade_no') || null,
        paidAt: state === 'SUCCESS' ? parseBeijingTime(text('gmt_payment')) : null,
      }
    },

    testConnection: connectionTest,
  }
  return provider
}

function result(code: ConnectionTestResult['code'], message: string): ConnectionTestResult {
  return { ok: false, code, message }
}

function notFound(outTradeNo: string): ProviderTrade {
  return { outTradeNo, state: 'NOT_FOUND', amountFen: null, providerTradeNo: null, paidAt: null }
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null
}

function remember(store: Set<string>, key: string): void
function remember(store: Map<string, string>, key: string, value: string): void
function remember(store: Set<string> | Map<string, string>, key: string, value?: string): void {
  if (store.size >= MEMORY_MAX) store.delete(store.keys().next().value as string)
  if (store instanceof Map) store.set(key, value!)
  else store.add(key)
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
