import type { KeyObject } from 'node:crypto'
import type { AdapterDeps } from '../common'
import type { AlipayConfig } from './config'
import { verifyRsa2 } from './crypto'
import { topLevelMembers } from './json'
import { GatewayError, post, type GatewayContext } from './request'

export { GatewayError, type GatewayFailureKind } from './request'

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
  const ctx: GatewayContext = { config, deps, keys, providerKey, timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS }
  return { call: (method, biz, options = {}) => call(ctx, method, biz, options) }
}

/**
 * One OpenAPI call. The answer is believed only when its signature verifies with the Alipay public key and
 * it is about the trade we asked about; anything else is a GatewayError (and a security event).
 */
async function call(
  ctx: GatewayContext,
  method: string,
  biz: Record<string, unknown>,
  options: CallOptions,
): Promise<GatewayAnswer> {
  const { text, date } = await post(ctx, method, biz, options.withNotifyUrl === true)
  const members = readMembers(ctx, method, text)
  const responseKey = `${method.replaceAll('.', '_')}_response`
  const content = members.get(responseKey) ?? members.get('error_response')
  if (content === undefined) throw new GatewayError('bad_response', `the gateway answer has no ${responseKey}`)
  const data = parseObject(content)
  const code = typeof data.code === 'string' ? data.code : ''
  const mustBeSigned = SUCCESS_CODES.has(code) || !options.allowUnsignedError
  const verified = checkSignature(ctx, method, members.get('sign'), content, mustBeSigned)
  // A genuine answer about another trade, replayed, must not be taken for this one.
  const asked = biz.out_trade_no
  if (verified && typeof asked === 'string' && typeof data.out_trade_no === 'string' && data.out_trade_no !== asked) {
    reject(ctx, method, 'the answer is about a different out_trade_no')
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
}

/** The answer's top-level members, raw: the signature covers the response member's exact text. */
function readMembers(ctx: GatewayContext, method: string, text: string): Map<string, string> {
  try {
    return topLevelMembers(text)
  } catch (error) {
    if (/duplicate member/.test(String(error))) reject(ctx, method, 'the answer repeats a member')
    throw new GatewayError('bad_response', 'the gateway answer is not an Alipay JSON answer')
  }
}

function parseObject(content: string): Record<string, unknown> {
  let data: unknown
  try {
    data = JSON.parse(content)
  } catch {
    throw new GatewayError('bad_response', 'the gateway answer is not an Alipay JSON answer')
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new GatewayError('bad_response', 'the gateway answer is not an Alipay JSON answer')
  }
  return data as Record<string, unknown>
}

/** True when the answer carries a signature that verifies; an unsigned answer passes only when allowed. */
function checkSignature(
  ctx: GatewayContext,
  method: string,
  signText: string | undefined,
  content: string,
  mustBeSigned: boolean,
): boolean {
  if (signText === undefined) {
    if (mustBeSigned) reject(ctx, method, 'the answer is not signed')
    return false
  }
  let signature: unknown
  try {
    signature = JSON.parse(signText)
  } catch {
    // An unreadable sign member is no signature: refused just below, like a wrong one.
    signature = null
  }
  if (typeof signature !== 'string' || !verifyRsa2(Buffer.from(content, 'utf8'), signature, ctx.keys.alipayPublicKey)) {
    reject(ctx, method, 'the signature does not match the Alipay public key')
  }
  return true
}

function reject(ctx: GatewayContext, method: string, detail: string): never {
  ctx.deps.onSecurityEvent({ provider: ctx.providerKey, kind: 'response_signature', detail: `${method}: ${detail}` })
  throw new GatewayError(
    'bad_signature',
    `Alipay's answer to ${method} failed verification (${detail}); nothing was changed`,
  )
}
