import { EngineError } from '../../../shared/errors'
import type { AdapterDeps, SecurityEvent } from '../common'
import type { ProviderTrade } from '../types'
import {
  DEFAULT_NOT_FOUND_CODES,
  DEFAULT_NOTIFICATION_MAX_AGE_MS,
  DEFAULT_PATHS,
  type ChinaumsApi,
  type ChinaumsConfig,
} from './config'
import { authorizationHeader, newNonce, verifySign } from './crypto'
import { formatCompactDateTime, type NumberRule } from './mapping'
import { post, TransportError } from './transport'

export type Json = Record<string, unknown>

/** Why a gateway call failed, in `EngineError.details.reason` (testConnection explains them to the merchant). */
export type ChinaumsFailure =
  'TIMEOUT' | 'UNREACHABLE' | 'AUTH_REFUSED' | 'RESPONSE_SIGNATURE' | 'BAD_RESPONSE' | 'API_ERROR' | 'BAD_CONFIG'

/** Which API family a trade went through: a QR bill (netpay bills) or a payment code (POS通). */
export type TradeKind = 'bill' | 'pos'

/** What every module function of the adapter works with. */
export interface ChinaumsContext {
  config: ChinaumsConfig
  deps: AdapterDeps
  key: string
  base: string
  timeoutMs: number
  paths: Record<ChinaumsApi, string>
  notFoundCodes: ReadonlySet<string>
  requireSignedAnswers: boolean
  notificationMaxAgeMs: number
  trades: NumberRule
  refunds: NumberRule
  /** Hints (bounded): the API family of trades made by this instance, and the trade of each refund. */
  kinds: Map<string, TradeKind>
  refundTrades: Map<string, string>
}

export interface Answer {
  status: number
  errCode: string
  data: Json
}

const DEFAULT_TIMEOUT_MS = 15_000
const MEMORY_MAX = 10_000
/** Beyond this difference between the gateway's Date and our clock, a refused signature is blamed on the clock. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000

export function createContext(config: ChinaumsConfig, deps: AdapterDeps): ChinaumsContext {
  const tuning = config.tuning ?? {}
  return {
    config,
    deps,
    key: `chinaums:${config.mode}`,
    base: config.gatewayUrl.replace(/\/+$/, ''),
    timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    paths: { ...DEFAULT_PATHS, ...tuning.paths },
    notFoundCodes: new Set(tuning.notFoundCodes ?? DEFAULT_NOT_FOUND_CODES),
    requireSignedAnswers: tuning.requireSignedAnswers ?? false,
    notificationMaxAgeMs: tuning.notificationMaxAgeMs ?? DEFAULT_NOTIFICATION_MAX_AGE_MS,
    trades: { msgSrcId: config.msgSrcId, prefix: tuning.tradeIdPrefix ?? 'pay' },
    refunds: { msgSrcId: config.msgSrcId, prefix: tuning.refundIdPrefix ?? 'rfd' },
    kinds: new Map(),
    refundTrades: new Map(),
  }
}

export function remember<V>(store: Map<string, V>, key: string, value: V): void {
  if (!store.has(key) && store.size >= MEMORY_MAX) store.delete(store.keys().next().value as string)
  store.set(key, value)
}

export function fail(reason: ChinaumsFailure, message: string, extra: Json = {}): EngineError {
  return new EngineError('PROVIDER_ERROR', message, { reason, ...extra })
}

/** A well-formed refusal by the acquirer: its errCode and message, never anything we sent. */
export function apiError(answer: Answer, what: string): EngineError {
  const message = typeof answer.data.errMsg === 'string' ? answer.data.errMsg : answer.data.errInfo
  const text = typeof message === 'string' ? ` (${message.slice(0, 200)})` : ''
  return fail('API_ERROR', `China UMS refused to ${what}: ${answer.errCode}${text}`, {
    status: answer.status,
    umsCode: answer.errCode,
  })
}

export function report(ctx: ChinaumsContext, kind: SecurityEvent['kind'], detail: string): void {
  try {
    ctx.deps.onSecurityEvent({ provider: ctx.key, kind, detail })
  } catch {
    // Reporting must never turn a refused answer into a different failure; the refusal itself is still thrown.
  }
}

export function isNotFound(ctx: ChinaumsContext, answer: Answer): boolean {
  return ctx.notFoundCodes.has(answer.errCode)
}

export function asObject(value: unknown): Json | null {
  if (typeof value === 'string' && value.startsWith('{')) {
    try {
      return asObject(JSON.parse(value))
    } catch {
      // Text that only looks like JSON is no answer object; callers report "no answer" in their own words.
      return null
    }
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null
}

export function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null
}

export function notFound(outTradeNo: string): ProviderTrade {
  return { outTradeNo, state: 'NOT_FOUND', amountFen: null, providerTradeNo: null, paidAt: null }
}

async function send(ctx: ChinaumsContext, api: ChinaumsApi, bodyText: string) {
  const url = new URL(ctx.base + ctx.paths[api])
  const headers = {
    'Content-Type': 'application/json; charset=utf-8',
    Accept: 'application/json',
    Authorization: authorizationHeader({
      appId: ctx.config.appId,
      appKey: ctx.config.appKey,
      timestamp: formatCompactDateTime(ctx.deps.clock.now()),
      nonce: newNonce(),
      body: bodyText,
    }),
  }
  try {
    return await post(url, headers, bodyText, ctx.timeoutMs)
  } catch (error) {
    if (error instanceof TransportError && error.kind === 'timeout') {
      throw fail('TIMEOUT', 'China UMS did not answer in time; the outcome is unknown')
    }
    throw fail('UNREACHABLE', `China UMS could not be reached (${error instanceof Error ? error.message : 'error'})`)
  }
}

/** Checks the optional `sign` of an answer (communication key, same rule as notifications). */
function checkAnswerSign(ctx: ChinaumsContext, api: ChinaumsApi, data: Json): void {
  if (data.sign === undefined && !ctx.requireSignedAnswers) return
  if (data.sign !== undefined && verifySign(data, ctx.config.notifyKey)) return
  const detail = data.sign === undefined ? 'the answer is not signed' : 'the answer sign does not verify'
  report(ctx, 'response_signature', `${ctx.paths[api]}: ${detail}`)
  throw fail('RESPONSE_SIGNATURE', `China UMS answer failed verification (${detail}) and was ignored`)
}

/** The merchant an answer speaks about must be ours: a genuine answer for another merchant is not a fact for us. */
function checkMerchant(ctx: ChinaumsContext, data: Json): void {
  const mid = data.mid ?? data.merchantCode
  if (mid !== undefined && mid !== ctx.config.mid)
    throw fail('BAD_RESPONSE', 'China UMS answered about another merchant')
}

/**
 * One signed call: the JSON body is signed with OPEN-BODY-SIG, the answer must be a JSON object with an errCode.
 * A refused signature (HTTP 401/403) is told apart from a skewed clock by the gateway's Date header.
 */
export async function call(ctx: ChinaumsContext, api: ChinaumsApi, body: Json): Promise<Answer> {
  if (!ctx.config.appKey || !ctx.config.appId) throw fail('BAD_CONFIG', 'the AppId or AppKey is missing')
  const raw = await send(ctx, api, JSON.stringify(body))
  if (raw.status === 401 || raw.status === 403) {
    const skew = raw.date === null ? 0 : Math.abs(ctx.deps.clock.now() - raw.date)
    throw fail('AUTH_REFUSED', `China UMS refused our signature (HTTP ${raw.status})`, {
      status: raw.status,
      clockSkewed: skew > MAX_CLOCK_SKEW_MS,
    })
  }
  let data: Json | null = null
  try {
    data = asObject(JSON.parse(raw.body.toString('utf8')))
  } catch {
    // Not JSON: handled just below as an unreadable answer (PROVIDER_ERROR with the HTTP status).
    data = null
  }
  if (!data || typeof data.errCode !== 'string') {
    throw fail('BAD_RESPONSE', `the gateway answered HTTP ${raw.status} without a China UMS answer`, {
      status: raw.status,
    })
  }
  checkAnswerSign(ctx, api, data)
  checkMerchant(ctx, data)
  const answer = { status: raw.status, errCode: data.errCode, data }
  if (raw.status !== 200) throw apiError(answer, 'the request')
  return answer
}
