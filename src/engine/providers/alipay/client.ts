import type { KeyObject } from 'node:crypto'
import { EngineError } from '../../../shared/errors'
import type { AdapterDeps } from '../common'
import type { AlipayConfig } from './config'
import { requestSignContent, signRsa2, verifyRsa2 } from './crypto'
import { formatBeijingTime } from './format'
import { topLevelMembers } from './json'

/** Why a call produced no trustworthy answer. */
export type GatewayFailureKind = 'unreachable' | 'timeout' | 'bad_response' | 'bad_signature'

export class GatewayError extends EngineError {
  readonly kind: GatewayFailureKind
  constructor(kind: GatewayFailureKind, message: string) {
    super('PROVIDER_ERROR', message)
    this.kind = kind
  }
}

/** A verified answer (or, only where asked for, an unsigned error answer). */
export interface GatewayAnswer {
  code: string
  msg: string
  subCode: string | null
  subMsg: string | null
  data: Record<string, unknown>
  /** False only for unsigned error answers accepted with `allowUnsignedError`. */
  verified: boolean
  /** The gateway's HTTP Date header, for clock-skew diagnosis. */
  serverTime: number | null
}

export interface CallOptions {
  /** Accept an unsigned error answer (never a success) as a diagnosis hint: testConnection only. */
  allowUnsignedError?: boolean
  /** Methods that take notify_url (precreate, pay). */
  withNotifyUrl?: boolean
}

export interface GatewayClient {
  call(method: string, biz: Record<string, unknown>, options?: CallOptions): Promise<GatewayAnswer>
}

const DEFAULT_TIMEOUT_MS = 15_000
const SUCCESS_CODES = new Set(['10000', '10003'])

export function createGatewayClient(
  config: AlipayConfig,
  deps: AdapterDeps,
  keys: { appPrivateKey: KeyObject; alipayPublicKey: KeyObject },
  providerKey: string,
): GatewayClient {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS

  function reject(method: string, detail: string): never {
    deps.onSecurityEvent({ provider: providerKey, kind: 'response_signature', detail: `${method}: ${detail}` })
    throw new GatewayError(
      'bad_signature',
      `Alipay's answer to ${method} failed verification (${detail}); nothing was changed`,
    )
  }

  async function post(
    method: string,
    biz: Record<string, unknown>,
    options: CallOptions,
  ): Promise<{ text: string; date: number | null }> {
    const params: Record<string, string> = {
      app_id: config.appId,
      method,
      format: 'JSON',
      charset: 'utf-8',
      sign_type: 'RSA2',
      timestamp: formatBeijingTime(deps.clock.now()),
      version: '1.0',
    }
    if (options.withNotifyUrl && config.notifyUrl) params.notify_url = config.notifyUrl
    const bizContent = JSON.stringify(biz)
    params.sign = signRsa2(requestSignContent({ ...params, biz_content: bizContent }), keys.appPrivateKey)

    let url: URL
    try {
      url = new URL(config.gatewayUrl)
    } catch {
      throw new GatewayError('bad_response', 'the Alipay gateway URL is not a valid URL')
    }
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value)

    let response: Response
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8', accept: 'application/json' },
        body: new URLSearchParams({ biz_content: bizContent }).toString(),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      })
    } catch (error) {
      const name = (error as { name?: string }).name
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new GatewayError(
          'timeout',
          `Alipay did not answer ${method} within ${timeoutMs} ms; the outcome is unknown`,
        )
      }
      throw new GatewayError('unreachable', `the Alipay gateway could not be reached (${networkReason(error)})`)
    }
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
    let text: string
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    } catch {
      throw new GatewayError('bad_response', 'the gateway answer is not UTF-8 text')
    }
    return { text, date: Number.isFinite(date) ? date : null }
  }

  return {
    async call(method, biz, options = {}) {
      const { text, date } = await post(method, biz, options)
      let members: Map<string, string>
      try {
        members = topLevelMembers(text)
      } catch (error) {
        if (/duplicate member/.test(String(error))) reject(method, 'the answer repeats a member')
        throw new GatewayError('bad_response', 'the gateway answer is not an Alipay JSON answer')
      }
      const responseKey = `${method.replaceAll('.', '_')}_response`
      const content = members.get(responseKey) ?? members.get('error_response')
      if (content === undefined) throw new GatewayError('bad_response', `the gateway answer has no ${responseKey}`)
      let data: Record<string, unknown>
      try {
        data = JSON.parse(content) as Record<string, unknown>
      } catch {
        throw new GatewayError('bad_response', 'the gateway answer is not an Alipay JSON answer')
      }
      if (typeof data !== 'object' || data === null || Array.isArray(data)) {
        throw new GatewayError('bad_response', 'the gateway answer is not an Alipay JSON answer')
      }
      const code = typeof data.code === 'string' ? data.code : ''
      const signText = members.get('sign')
      let verified = false
      if (signText !== undefined) {
        let signature: unknown
        try {
          signature = JSON.parse(signText)
        } catch {
          signature = null
        }
        if (
          typeof signature !== 'string' ||
          !verifyRsa2(Buffer.from(content, 'utf8'), signature, keys.alipayPublicKey)
        ) {
          reject(method, 'the signature does not match the Alipay public key')
        }
        verified = true
      } else if (SUCCESS_CODES.has(code) || !options.allowUnsignedError) {
        reject(method, 'the answer is not signed')
      }
      // A genuine answer about another trade, replayed, must not be taken for this one.
      const asked = biz.out_trade_no
      if (
        verified &&
        typeof asked === 'string' &&
        typeof data.out_trade_no === 'string' &&
        data.out_trade_no !== asked
      ) {
        reject(method, 'the answer is about a different out_trade_no')
      }
      return {
        code,
        msg: typeof data.msg === 'string' ? data.msg : '',
        subCode: typeof data.sub_code === 'string' ? data.sub_code : null,
        subMsg: typeof data.sub_msg === 'string' ? data.sub_msg : null,
        data,
        verified,
        serverTime: date,
      }
    },
  }
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause
  const code = typeof cause?.code === 'string' ? cause.code : null
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host name not found'
  if (code === 'ECONNREFUSED') return 'connection refused'
  if (code === 'ECONNRESET') return 'connection reset'
  if (code && code.startsWith('ERR_TLS')) return 'TLS error'
  if (code && /CERT|SSL/.test(code)) return 'TLS certificate error'
  return code ?? 'network error'
}
