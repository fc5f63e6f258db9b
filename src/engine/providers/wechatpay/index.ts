import type { KeyObject } from 'node:crypto'
import { EngineError } from '../../../shared/errors'
import type { PaymentMethod, WalletId } from '../../../shared/wallets'
import type { AdapterDeps, ConnectionTestResult, SecurityEvent } from '../common'
import type {
  CodePayRequest,
  CreateQrRequest,
  IncomingNotification,
  PaymentProvider,
  ProviderRefund,
  ProviderTrade,
  RefundRequest,
} from '../types'
import type { WechatPayConfig } from './config'
import {
  authorizationHeader,
  decryptResource,
  newNonce,
  privateKeyFromPem,
  publicKeyFromPem,
  responseMessage,
  verifySha256WithRsa,
} from './crypto'
import {
  CODEPAY_DECLINE_CODES,
  mapRefundStatus,
  mapTradeState,
  OUT_NO_PATTERN,
  parseRfc3339,
  toRfc3339Shanghai,
  truncateUtf8,
} from './mapping'
import { send, TransportError } from './transport'

export type { WechatPayConfig } from './config'

/**
 * notify_url is mandatory for Native orders, but a shop's desktop rarely has a public HTTPS address: then
 * this reserved, never-resolving address is sent, nothing is delivered, and the engine's query sweep finds
 * the payment instead.
 */
export const UNUSED_NOTIFY_URL = 'https://notify.invalid/wechatpay'

/** Answers and notifications whose timestamp is further than this from our clock are refused. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000

const DEFAULT_TIMEOUT_MS = 10_000

/** Why a gateway call failed, in `EngineError.details.reason` (testConnection explains them to the merchant). */
export type WechatPayFailure =
  | 'TIMEOUT'
  | 'UNREACHABLE'
  | 'RESPONSE_SIGNATURE'
  | 'UNKNOWN_SERIAL'
  | 'CLOCK_SKEW'
  | 'UNSIGNED_ERROR'
  | 'BAD_RESPONSE'
  | 'API_ERROR'
  | 'BAD_CONFIG'

export interface WechatPayProvider extends PaymentProvider {
  testConnection(): Promise<ConnectionTestResult>
}

interface Answer {
  status: number
  data: Record<string, unknown>
}

type Json = Record<string, unknown>

function fail(reason: WechatPayFailure, message: string, extra: Json = {}): EngineError {
  return new EngineError('PROVIDER_ERROR', message, { reason, ...extra })
}

function asObject(value: unknown): Json | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const wanted = name.toLowerCase()
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value[0] : value
  }
  return undefined
}

/**
 * The WeChat Pay API v3 adapter for a direct merchant (普通商户): Native QR, v3 payment code (codepay)
 * and reverse, query, close, refunds and notifications. Every request is signed with the merchant key;
 * every answer and notification is verified with the WeChat Pay key named by its serial before anything
 * in it is believed.
 */
export function createWechatPayProvider(config: WechatPayConfig, deps: AdapterDeps): WechatPayProvider {
  const key = `wechatpay:${config.mode}`
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const base = config.gatewayUrl.replace(/\/+$/, '')

  // Keys are parsed once; a key that cannot be read is reported by testConnection and by every call,
  // never by throwing here (the engine must still start with a half-configured wallet).
  let privateKey: KeyObject | null = null
  try {
    privateKey = privateKeyFromPem(config.merchantPrivateKeyPem)
  } catch {
    privateKey = null
  }
  const platformKeys = new Map<string, KeyObject>()
  const unreadablePlatformSerials: string[] = []
  for (const entry of config.platformKeys) {
    try {
      platformKeys.set(entry.serial, publicKeyFromPem(entry.publicKeyPem))
    } catch {
      unreadablePlatformSerials.push(entry.serial)
    }
  }

  function report(kind: SecurityEvent['kind'], detail: string): void {
    try {
      deps.onSecurityEvent({ provider: key, kind, detail })
    } catch {
      // Reporting must never turn a refused answer into a different failure.
    }
  }

  /** Checks the four Wechatpay-* headers of an answer or notification; returns why it fails, or null. */
  function verifySigned(
    headers: Record<string, string | string[] | undefined>,
    body: Buffer,
  ): { reason: 'UNSIGNED' | 'UNKNOWN_SERIAL' | 'RESPONSE_SIGNATURE' | 'CLOCK_SKEW'; detail: string } | null {
    const timestamp = header(headers, 'Wechatpay-Timestamp')
    const nonce = header(headers, 'Wechatpay-Nonce')
    const signature = header(headers, 'Wechatpay-Signature')
    const serial = header(headers, 'Wechatpay-Serial')
    if (!timestamp || !nonce || !signature || !serial)
      return { reason: 'UNSIGNED', detail: 'signature headers missing' }
    const signatureType = header(headers, 'Wechatpay-Signature-Type')
    if (signatureType !== undefined && signatureType !== 'WECHATPAY2-SHA256-RSA2048') {
      return { reason: 'RESPONSE_SIGNATURE', detail: `unsupported signature type ${signatureType.slice(0, 40)}` }
    }
    const publicKey = platformKeys.get(serial)
    if (!publicKey)
      return { reason: 'UNKNOWN_SERIAL', detail: `no WeChat Pay key configured for serial ${serial.slice(0, 64)}` }
    if (
      !/^\d{1,12}$/.test(timestamp) ||
      !verifySha256WithRsa(responseMessage(timestamp, nonce, body), signature, publicKey)
    ) {
      return {
        reason: 'RESPONSE_SIGNATURE',
        detail: `signature does not verify with the key of serial ${serial.slice(0, 64)}`,
      }
    }
    const skewMs = Math.abs(deps.clock.now() - Number(timestamp) * 1000)
    if (skewMs > MAX_CLOCK_SKEW_MS) {
      return { reason: 'CLOCK_SKEW', detail: `timestamp ${timestamp} is ${Math.round(skewMs / 1000)} s from our clock` }
    }
    return null
  }

  async function call(method: 'GET' | 'POST', path: string, body?: Json): Promise<Answer> {
    if (!privateKey) throw fail('BAD_CONFIG', 'the merchant API private key cannot be read')
    const url = new URL(base + path)
    const pathWithQuery = url.pathname + url.search
    const bodyText = body === undefined ? '' : JSON.stringify(body)
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': 'hutong-checkout',
      Authorization: authorizationHeader({
        method,
        pathWithQuery,
        body: bodyText,
        mchId: config.mchId,
        serialNo: config.merchantSerialNo,
        privateKey,
        timestamp: Math.floor(deps.clock.now() / 1000),
        nonce: newNonce(),
      }),
    }
    if (body !== undefined) headers['Content-Type'] = 'application/json'

    let raw
    try {
      raw = await send(url, method, headers, body === undefined ? null : bodyText, timeoutMs)
    } catch (error) {
      if (error instanceof TransportError && error.kind === 'timeout') {
        throw fail('TIMEOUT', 'WeChat Pay did not answer in time; the outcome is unknown')
      }
      throw fail(
        'UNREACHABLE',
        `WeChat Pay could not be reached (${error instanceof Error ? error.message : 'network error'})`,
      )
    }

    const problem = verifySigned(raw.headers, raw.body)
    const ok = raw.status >= 200 && raw.status < 300
    if (problem?.reason === 'UNSIGNED') {
      if (ok) {
        report('response_signature', `${method} ${url.pathname}: a success answer carried no signature`)
        throw fail('RESPONSE_SIGNATURE', 'WeChat Pay answer carried no signature and was ignored')
      }
      // Only requests whose signature WeChat Pay accepted get signed answers (401 is the usual case here).
      // An unsigned refusal is never taken as a fact about a trade.
      const code = asObject(safeJson(raw.body))?.code
      // Our own timestamp is refused when our clock is off; the HTTP Date header tells that case apart.
      const serverDate = Date.parse(header(raw.headers, 'Date') ?? '')
      const clockSkewed = Number.isFinite(serverDate) && Math.abs(deps.clock.now() - serverDate) > MAX_CLOCK_SKEW_MS
      throw fail(
        'UNSIGNED_ERROR',
        `WeChat Pay refused the request (HTTP ${raw.status}${typeof code === 'string' ? ` ${code}` : ''})`,
        {
          status: raw.status,
          wechatCode: typeof code === 'string' ? code : null,
          clockSkewed,
        },
      )
    }
    if (problem) {
      report(
        problem.reason === 'CLOCK_SKEW' ? 'clock_skew' : 'response_signature',
        `${method} ${url.pathname}: ${problem.detail}`,
      )
      const message =
        problem.reason === 'CLOCK_SKEW'
          ? 'WeChat Pay answer is outside the 5-minute clock window and was ignored; check the computer clock'
          : problem.reason === 'UNKNOWN_SERIAL'
            ? 'WeChat Pay answer is signed by a key that is not configured and was ignored'
            : 'WeChat Pay answer failed signature verification and was ignored'
      throw fail(problem.reason, message)
    }
    if (raw.body.length === 0) return { status: raw.status, data: {} }
    const data = asObject(safeJson(raw.body))
    if (!data) throw fail('BAD_RESPONSE', `WeChat Pay answer (HTTP ${raw.status}) is not a JSON object`)
    return { status: raw.status, data }
  }

  function apiError(answer: Answer, what: string): EngineError {
    const code = typeof answer.data.code === 'string' ? answer.data.code : 'UNKNOWN'
    const message = typeof answer.data.message === 'string' ? answer.data.message.slice(0, 200) : ''
    return fail('API_ERROR', `WeChat Pay refused to ${what}: ${code}${message ? ` (${message})` : ''}`, {
      status: answer.status,
      wechatCode: code,
    })
  }

  function requireOutNo(value: string, what: string): string {
    if (!OUT_NO_PATTERN.test(value)) {
      throw new EngineError('VALIDATION_FAILED', `${what} must be 6–32 characters of letters, digits, _ - *`)
    }
    return encodeURIComponent(value)
  }

  /** A transaction object (query answer, codepay answer, decrypted notification) → our trade. */
  function toTrade(outTradeNo: string, transaction: Json): ProviderTrade {
    const state = mapTradeState(transaction.trade_state)
    if (!state) throw fail('BAD_RESPONSE', `unknown trade_state ${String(transaction.trade_state).slice(0, 32)}`)
    if (transaction.out_trade_no !== undefined && transaction.out_trade_no !== outTradeNo) {
      throw fail('BAD_RESPONSE', 'WeChat Pay answered about a different out_trade_no')
    }
    if (transaction.mchid !== undefined && transaction.mchid !== config.mchId) {
      throw fail('BAD_RESPONSE', 'WeChat Pay answered about a different merchant')
    }
    const total = asObject(transaction.amount)?.total
    return {
      outTradeNo,
      state,
      amountFen: typeof total === 'number' && Number.isSafeInteger(total) && total >= 0 ? total : null,
      providerTradeNo:
        typeof transaction.transaction_id === 'string' && transaction.transaction_id
          ? transaction.transaction_id
          : null,
      paidAt: state === 'SUCCESS' ? parseRfc3339(transaction.success_time) : null,
    }
  }

  const notFound = (outTradeNo: string): ProviderTrade => ({
    outTradeNo,
    state: 'NOT_FOUND',
    amountFen: null,
    providerTradeNo: null,
    paidAt: null,
  })

  async function query(outTradeNo: string): Promise<ProviderTrade> {
    const no = requireOutNo(outTradeNo, 'out_trade_no')
    const answer = await call(
      'GET',
      `/v3/pay/transactions/out-trade-no/${no}?mchid=${encodeURIComponent(config.mchId)}`,
    )
    if (answer.status === 200) return toTrade(outTradeNo, answer.data)
    if (answer.status === 404 || answer.data.code === 'ORDER_NOT_EXIST') return notFound(outTradeNo)
    throw apiError(answer, 'report the trade')
  }

  function toRefund(outRefundNo: string, data: Json): ProviderRefund {
    const state = mapRefundStatus(data.status)
    if (!state) throw fail('BAD_RESPONSE', `unknown refund status ${String(data.status).slice(0, 32)}`)
    if (data.out_refund_no !== undefined && data.out_refund_no !== outRefundNo) {
      throw fail('BAD_RESPONSE', 'WeChat Pay answered about a different out_refund_no')
    }
    const refund = asObject(data.amount)?.refund
    if (typeof refund !== 'number' || !Number.isSafeInteger(refund))
      throw fail('BAD_RESPONSE', 'refund answer has no amount')
    return {
      outRefundNo,
      state,
      amountFen: refund,
      providerRefundNo: typeof data.refund_id === 'string' && data.refund_id ? data.refund_id : null,
    }
  }

  const provider: WechatPayProvider = {
    key,
    mode: config.mode,

    supports(wallet: WalletId, method: PaymentMethod) {
      return wallet === 'wechat' && (method === 'qr' || method === 'payment-code')
    },

    async createQr(request: CreateQrRequest) {
      requireOutNo(request.outTradeNo, 'out_trade_no')
      if (!Number.isSafeInteger(request.amountFen) || request.amountFen < 1) {
        throw new EngineError('AMOUNT_OUT_OF_RANGE', 'amount must be a positive whole number of fen')
      }
      const answer = await call('POST', '/v3/pay/transactions/native', {
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
    },

    query,

    async close(outTradeNo: string) {
      const no = requireOutNo(outTradeNo, 'out_trade_no')
      const answer = await call('POST', `/v3/pay/transactions/out-trade-no/${no}/close`, { mchid: config.mchId })
      if (answer.status === 204 || answer.status === 200) {
        return { outTradeNo, state: 'CLOSED', amountFen: null, providerTradeNo: null, paidAt: null }
      }
      const code = answer.data.code
      // The customer paid between our query and the close: the trade is a success, as a query shows.
      if (code === 'ORDERPAID') return query(outTradeNo)
      if (code === 'ORDER_CLOSED')
        return { outTradeNo, state: 'CLOSED', amountFen: null, providerTradeNo: null, paidAt: null }
      if (answer.status === 404 || code === 'ORDER_NOT_EXIST') return notFound(outTradeNo)
      throw apiError(answer, 'close the order')
    },

    async payWithCode(request: CodePayRequest) {
      requireOutNo(request.outTradeNo, 'out_trade_no')
      if (!Number.isSafeInteger(request.amountFen) || request.amountFen < 1) {
        throw new EngineError('AMOUNT_OUT_OF_RANGE', 'amount must be a positive whole number of fen')
      }
      if (!/^\d{10,32}$/.test(request.authCode)) {
        throw new EngineError('PAYMENT_CODE_UNRECOGNIZED', 'a WeChat Pay payment code is a string of digits')
      }
      const answer = await call('POST', '/v3/pay/transactions/codepay', {
        appid: config.appId,
        mchid: config.mchId,
        description: truncateUtf8(request.description, 127) || request.outTradeNo,
        out_trade_no: request.outTradeNo,
        payer: { auth_code: request.authCode },
        amount: { total: request.amountFen, currency: 'CNY' },
        scene_info: { store_info: { out_id: config.storeId || config.mchId } },
      })
      const code = typeof answer.data.code === 'string' ? answer.data.code : null
      if (answer.status >= 200 && answer.status < 300 && answer.data.trade_state !== undefined) {
        return toTrade(request.outTradeNo, answer.data)
      }
      if (code === 'USERPAYING' || answer.status === 202) {
        return {
          outTradeNo: request.outTradeNo,
          state: 'USERPAYING',
          amountFen: null,
          providerTradeNo: null,
          paidAt: null,
        }
      }
      if (code !== null && CODEPAY_DECLINE_CODES.has(code)) {
        return {
          outTradeNo: request.outTradeNo,
          state: 'PAYERROR',
          amountFen: null,
          providerTradeNo: null,
          paidAt: null,
        }
      }
      // A retried code payment, or a success answer without a state: the trade itself is the truth.
      if (code === 'ORDERPAID' || code === 'OUT_TRADE_NO_USED' || (answer.status >= 200 && answer.status < 300)) {
        return query(request.outTradeNo)
      }
      // SYSTEM_ERROR, BANK_ERROR…: the wallet may or may not have charged; the engine queries and reverses.
      throw apiError(answer, 'charge the payment code')
    },

    async reverse(outTradeNo: string) {
      const no = requireOutNo(outTradeNo, 'out_trade_no')
      const answer = await call('POST', `/v3/pay/transactions/out-trade-no/${no}/reverse`, {
        appid: config.appId,
        mchid: config.mchId,
      })
      if (answer.status === 200 || answer.status === 204) {
        return { outTradeNo, state: 'REVOKED', amountFen: null, providerTradeNo: null, paidAt: null }
      }
      if (answer.status === 404 || answer.data.code === 'ORDER_NOT_EXIST') return notFound(outTradeNo)
      throw apiError(answer, 'reverse the payment')
    },

    async refund(request: RefundRequest) {
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
      const answer = await call('POST', '/v3/refund/domestic/refunds', {
        out_trade_no: request.outTradeNo,
        out_refund_no: request.outRefundNo,
        ...(reason ? { reason } : {}),
        amount: { refund: request.amountFen, total: request.totalFen, currency: 'CNY' },
      })
      if (answer.status === 200) return toRefund(request.outRefundNo, answer.data)
      throw apiError(answer, 'refund')
    },

    async queryRefund(outRefundNo: string) {
      const no = requireOutNo(outRefundNo, 'out_refund_no')
      const answer = await call('GET', `/v3/refund/domestic/refunds/${no}`)
      if (answer.status === 200) return toRefund(outRefundNo, answer.data)
      if (answer.status === 404 || answer.data.code === 'RESOURCE_NOT_EXISTS') {
        throw new EngineError('NOT_FOUND', 'WeChat Pay has no such refund')
      }
      throw apiError(answer, 'report the refund')
    },

    async parseNotification(notification: IncomingNotification) {
      const body = Buffer.from(notification.body, 'utf8')
      const problem = verifySigned(notification.headers, body)
      if (problem) {
        const replay = problem.reason === 'CLOCK_SKEW'
        report(replay ? 'notification_replay' : 'notification_signature', problem.detail)
        throw new EngineError(
          'NOTIFICATION_REJECTED',
          replay ? 'notification timestamp outside the accepted window' : 'notification signature does not verify',
        )
      }
      const envelope = asObject(safeJson(body))
      const resource = asObject(envelope?.resource)
      if (!envelope || !resource) throw new EngineError('NOTIFICATION_REJECTED', 'notification has no resource')
      const eventType = typeof envelope.event_type === 'string' ? envelope.event_type : ''
      if (!eventType.startsWith('TRANSACTION.')) {
        throw new EngineError(
          'NOTIFICATION_REJECTED',
          `notification ${eventType.slice(0, 40) || 'without a type'} is not about a payment`,
        )
      }
      if (
        resource.algorithm !== 'AEAD_AES_256_GCM' ||
        typeof resource.ciphertext !== 'string' ||
        typeof resource.nonce !== 'string' ||
        (resource.associated_data !== undefined && typeof resource.associated_data !== 'string')
      ) {
        report('notification_decrypt', 'resource is not AEAD_AES_256_GCM')
        throw new EngineError('NOTIFICATION_REJECTED', 'notification resource cannot be decrypted')
      }
      let transaction: Json | null
      try {
        transaction = asObject(
          JSON.parse(
            decryptResource(config.apiV3Key, {
              nonce: resource.nonce,
              associatedData: (resource.associated_data as string | undefined) ?? '',
              ciphertext: resource.ciphertext,
            }),
          ),
        )
      } catch {
        transaction = null
      }
      if (!transaction || typeof transaction.out_trade_no !== 'string') {
        report('notification_decrypt', 'resource does not decrypt with the APIv3 key to a transaction')
        throw new EngineError('NOTIFICATION_REJECTED', 'notification resource cannot be decrypted')
      }
      if (
        transaction.mchid !== config.mchId ||
        (transaction.appid !== undefined && transaction.appid !== config.appId)
      ) {
        throw new EngineError('NOTIFICATION_REJECTED', 'notification is for another merchant account')
      }
      try {
        return toTrade(transaction.out_trade_no, transaction)
      } catch {
        throw new EngineError('NOTIFICATION_REJECTED', 'notification reports an unreadable trade')
      }
    },

    async testConnection(): Promise<ConnectionTestResult> {
      if (!privateKey) {
        return {
          ok: false,
          code: 'WRONG_KEY',
          message: 'The merchant API private key (apiclient_key.pem) cannot be read.',
        }
      }
      if (Buffer.byteLength(config.apiV3Key, 'utf8') !== 32) {
        return { ok: false, code: 'WRONG_KEY', message: 'The APIv3 key must be exactly 32 characters.' }
      }
      if (unreadablePlatformSerials.length > 0 || platformKeys.size === 0) {
        return {
          ok: false,
          code: 'WRONG_SERIAL',
          message:
            platformKeys.size === 0 && unreadablePlatformSerials.length === 0
              ? 'No WeChat Pay public key or platform certificate is configured.'
              : `The WeChat Pay public key for serial ${unreadablePlatformSerials[0]} cannot be read.`,
        }
      }
      // An out_trade_no no checkout ever uses: a signed "not found" proves keys, serials and clock.
      const probe = `hutongprobe${newNonce(16)}`
      try {
        await query(probe)
        return {
          ok: true,
          code: 'OK',
          message: 'Connected: WeChat Pay accepted our signature and its answer verified.',
        }
      } catch (error) {
        return explainFailure(error)
      }
    },
  }
  return provider
}

function safeJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'))
  } catch {
    return undefined
  }
}

function explainFailure(error: unknown): ConnectionTestResult {
  const details = error instanceof EngineError ? asObject(error.details) : null
  const reason = details?.reason as WechatPayFailure | undefined
  const status = typeof details?.status === 'number' ? details.status : null
  const wechatCode = typeof details?.wechatCode === 'string' ? details.wechatCode : null
  switch (reason) {
    case 'TIMEOUT':
    case 'UNREACHABLE':
      return {
        ok: false,
        code: 'UNREACHABLE',
        message: 'WeChat Pay could not be reached: check the network and the gateway address.',
      }
    case 'UNKNOWN_SERIAL':
      return {
        ok: false,
        code: 'WRONG_SERIAL',
        message:
          'WeChat Pay signed its answer with a key whose serial (public key ID) is not configured: add the current WeChat Pay public key or platform certificate.',
      }
    case 'CLOCK_SKEW':
      return {
        ok: false,
        code: 'CLOCK_SKEW',
        message:
          "This computer's clock differs from WeChat Pay's by more than 5 minutes: set the clock automatically and try again.",
      }
    case 'RESPONSE_SIGNATURE':
      return {
        ok: false,
        code: 'BAD_RESPONSE_SIGNATURE',
        message:
          'The answer did not verify with the configured WeChat Pay public key: check the key, or the network may be tampering with traffic.',
      }
    case 'UNSIGNED_ERROR':
      if (status === 401 && details?.clockSkewed === true) {
        return {
          ok: false,
          code: 'CLOCK_SKEW',
          message:
            "WeChat Pay refused our request time: this computer's clock is more than 5 minutes off. Set the clock automatically and try again.",
        }
      }
      if (status === 401) {
        return {
          ok: false,
          code: 'WRONG_KEY',
          message: `WeChat Pay refused our signature${wechatCode ? ` (${wechatCode})` : ''}: check the merchant ID, the API certificate serial number and the private key.`,
        }
      }
      return {
        ok: false,
        code: 'WRONG_GATEWAY',
        message: `The gateway answered like no WeChat Pay server (HTTP ${status ?? '?'}): check the gateway address.`,
      }
    case 'BAD_RESPONSE':
      return {
        ok: false,
        code: 'WRONG_GATEWAY',
        message: 'The gateway answered something WeChat Pay never sends: check the gateway address.',
      }
    case 'API_ERROR':
      if (status !== null && status >= 500) {
        return {
          ok: false,
          code: 'UNREACHABLE',
          message: 'WeChat Pay is having trouble right now: try again in a few minutes.',
        }
      }
      return {
        ok: false,
        code: 'REJECTED',
        message: `WeChat Pay refused the request${wechatCode ? ` (${wechatCode})` : ''}: check the merchant ID and the AppID.`,
      }
    default:
      return {
        ok: false,
        code: 'REJECTED',
        message: error instanceof EngineError ? error.message : 'The connection test failed.',
      }
  }
}
