import type { KeyObject } from 'node:crypto'
import type { EngineError } from '../../../shared/errors'
import {
  asObject,
  fail,
  header,
  MAX_CLOCK_SKEW_MS,
  report,
  safeJson,
  type Answer,
  type Json,
  type WechatPayContext,
} from './context'
import { authorizationHeader, newNonce } from './crypto'
import { send, TransportError, type RawResponse } from './transport'
import { verifySigned, type BadSignature } from './verify'

export type HttpMethod = 'GET' | 'POST'

/**
 * One signed request to the gateway. Only an answer whose signature verifies with a configured WeChat Pay
 * key is returned; everything else becomes a PROVIDER_ERROR whose `reason` says why.
 */
export async function call(ctx: WechatPayContext, method: HttpMethod, path: string, body?: Json): Promise<Answer> {
  const privateKey = ctx.privateKey
  if (!privateKey) throw fail('BAD_CONFIG', 'the merchant API private key cannot be read')
  const url = new URL(ctx.base + path)
  const bodyText = body === undefined ? '' : JSON.stringify(body)
  const headers = requestHeaders(ctx, privateKey, method, url, bodyText)
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  const raw = await exchange(ctx, url, method, headers, body === undefined ? null : bodyText)
  return readAnswer(ctx, `${method} ${url.pathname}`, raw)
}

/** The error for a verified answer that refuses what we asked. */
export function apiError(answer: Answer, what: string): EngineError {
  const code = typeof answer.data.code === 'string' ? answer.data.code : 'UNKNOWN'
  const message = typeof answer.data.message === 'string' ? answer.data.message.slice(0, 200) : ''
  return fail('API_ERROR', `WeChat Pay refused to ${what}: ${code}${message ? ` (${message})` : ''}`, {
    status: answer.status,
    wechatCode: code,
  })
}

export function requestHeaders(
  ctx: WechatPayContext,
  privateKey: KeyObject,
  method: HttpMethod,
  url: URL,
  bodyText: string,
): Record<string, string> {
  return {
    Accept: 'application/json',
    'User-Agent': 'hutong-checkout',
    Authorization: authorizationHeader({
      method,
      pathWithQuery: url.pathname + url.search,
      body: bodyText,
      mchId: ctx.config.mchId,
      serialNo: ctx.config.merchantSerialNo,
      privateKey,
      timestamp: Math.floor(ctx.deps.clock.now() / 1000),
      nonce: newNonce(),
    }),
  }
}

/** The HTTP exchange; a timeout is an unknown outcome, anything else an unreachable gateway. */
async function exchange(
  ctx: WechatPayContext,
  url: URL,
  method: HttpMethod,
  headers: Record<string, string>,
  body: string | null,
): Promise<RawResponse> {
  try {
    return await send(url, method, headers, body, ctx.timeoutMs)
  } catch (error) {
    if (error instanceof TransportError && error.kind === 'timeout') {
      throw fail('TIMEOUT', 'WeChat Pay did not answer in time; the outcome is unknown')
    }
    throw fail(
      'UNREACHABLE',
      `WeChat Pay could not be reached (${error instanceof Error ? error.message : 'network error'})`,
    )
  }
}

/** `request` names the call (`POST /v3/…`) in security events. */
function readAnswer(ctx: WechatPayContext, request: string, raw: RawResponse): Answer {
  const problem = verifySigned(ctx, raw.headers, raw.body)
  if (problem?.reason === 'UNSIGNED') refuseUnsigned(ctx, request, raw)
  if (problem) refuseUnverified(ctx, request, problem)
  if (raw.body.length === 0) return { status: raw.status, data: {} }
  const data = asObject(safeJson(raw.body))
  if (!data) throw fail('BAD_RESPONSE', `WeChat Pay answer (HTTP ${raw.status}) is not a JSON object`)
  return { status: raw.status, data }
}

/**
 * Only requests whose signature WeChat Pay accepted get signed answers (401 is the usual case here). An
 * unsigned refusal is never taken as a fact about a trade; an unsigned success is an attack or a wrong gateway.
 */
function refuseUnsigned(ctx: WechatPayContext, request: string, raw: RawResponse): never {
  if (raw.status >= 200 && raw.status < 300) {
    report(ctx, 'response_signature', `${request}: a success answer carried no signature`)
    throw fail('RESPONSE_SIGNATURE', 'WeChat Pay answer carried no signature and was ignored')
  }
  const code = asObject(safeJson(raw.body))?.code
  // Our own timestamp is refused when our clock is off; the HTTP Date header tells that case apart.
  const serverDate = Date.parse(header(raw.headers, 'Date') ?? '')
  const clockSkewed = Number.isFinite(serverDate) && Math.abs(ctx.deps.clock.now() - serverDate) > MAX_CLOCK_SKEW_MS
  throw fail(
    'UNSIGNED_ERROR',
    `WeChat Pay refused the request (HTTP ${raw.status}${typeof code === 'string' ? ` ${code}` : ''})`,
    { status: raw.status, wechatCode: typeof code === 'string' ? code : null, clockSkewed },
  )
}

function refuseUnverified(ctx: WechatPayContext, request: string, problem: BadSignature): never {
  report(ctx, problem.reason === 'CLOCK_SKEW' ? 'clock_skew' : 'response_signature', `${request}: ${problem.detail}`)
  const message =
    problem.reason === 'CLOCK_SKEW'
      ? 'WeChat Pay answer is outside the 5-minute clock window and was ignored; check the computer clock'
      : problem.reason === 'UNKNOWN_SERIAL'
        ? 'WeChat Pay answer is signed by a key that is not configured and was ignored'
        : 'WeChat Pay answer failed signature verification and was ignored'
  throw fail(problem.reason, message)
}
