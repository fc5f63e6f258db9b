import type { KeyObject } from 'node:crypto'
import { EngineError } from '../../../shared/errors'
import type { AdapterDeps } from '../common'
import type { AlipayConfig } from './config'
import { requestSignContent, signRsa2 } from './crypto'
import { formatBeijingTime } from './format'
import { isTimeout, networkReason } from '../network'

/** Why a call produced no trustworthy answer. */
export type GatewayFailureKind = 'unreachable' | 'timeout' | 'bad_response' | 'bad_signature'

export class GatewayError extends EngineError {
  readonly kind: GatewayFailureKind
  constructor(kind: GatewayFailureKind, message: string) {
    super('PROVIDER_ERROR', message)
    this.kind = kind
  }
}

/** What the gateway client works with. */
export interface GatewayContext {
  config: AlipayConfig
  deps: AdapterDeps
  keys: { appPrivateKey: KeyObject; alipayPublicKey: KeyObject }
  /** The provider key, for security events. */
  providerKey: string
  timeoutMs: number
}

/** An answer as received: UTF-8 text, and the gateway's HTTP Date when it sent one. */
export interface RawAnswer {
  text: string
  date: number | null
}

/**
 * One signed request: the common parameters in the query string, biz_content in the form body. Fails with a
 * GatewayError when no HTTP 200 UTF-8 answer arrives (a timeout is an unknown outcome).
 */
export async function post(
  ctx: GatewayContext,
  method: string,
  biz: Record<string, unknown>,
  withNotifyUrl: boolean,
): Promise<RawAnswer> {
  const bizContent = JSON.stringify(biz)
  const url = gatewayUrl(ctx.config, signedParams(ctx, method, bizContent, withNotifyUrl))
  const response = await send(ctx, method, url, bizContent)
  let bytes: ArrayBuffer
  try {
    bytes = await response.arrayBuffer()
  } catch {
    throw new GatewayError('timeout', `Alipay's answer to ${method} was cut off; the outcome is unknown`)
  }
  const dateHeader = response.headers.get('date')
  const date = dateHeader ? Date.parse(dateHeader) : NaN
  if (response.status !== 200) {
    throw new GatewayError('bad_response', `the gateway answered HTTP ${response.status}, not an Alipay answer`)
  }
  return { text: decodeUtf8(bytes), date: Number.isFinite(date) ? date : null }
}

function signedParams(
  ctx: GatewayContext,
  method: string,
  bizContent: string,
  withNotifyUrl: boolean,
): Record<string, string> {
  const params: Record<string, string> = {
    app_id: ctx.config.appId,
    method,
    format: 'JSON',
    charset: 'utf-8',
    sign_type: 'RSA2',
    timestamp: formatBeijingTime(ctx.deps.clock.now()),
    version: '1.0',
  }
  if (withNotifyUrl && ctx.config.notifyUrl) params.notify_url = ctx.config.notifyUrl
  params.sign = signRsa2(requestSignContent({ ...params, biz_content: bizContent }), ctx.keys.appPrivateKey)
  return params
}

function gatewayUrl(config: AlipayConfig, params: Record<string, string>): URL {
  let url: URL
  try {
    url = new URL(config.gatewayUrl)
  } catch {
    throw new GatewayError('bad_response', 'the Alipay gateway URL is not a valid URL')
  }
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value)
  return url
}

async function send(ctx: GatewayContext, method: string, url: URL, bizContent: string): Promise<Response> {
  try {
    return await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8', accept: 'application/json' },
      body: new URLSearchParams({ biz_content: bizContent }).toString(),
      signal: AbortSignal.timeout(ctx.timeoutMs),
      redirect: 'error',
    })
  } catch (error) {
    if (isTimeout(error)) {
      throw new GatewayError(
        'timeout',
        `Alipay did not answer ${method} within ${ctx.timeoutMs} ms; the outcome is unknown`,
      )
    }
    throw new GatewayError('unreachable', `the Alipay gateway could not be reached (${networkReason(error)})`)
  }
}

function decodeUtf8(bytes: ArrayBuffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new GatewayError('bad_response', 'the gateway answer is not UTF-8 text')
  }
}
