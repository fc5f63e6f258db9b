import type { KeyObject } from 'node:crypto'
import { EngineError } from '../../../shared/errors'
import type { AdapterDeps, SecurityEvent } from '../common'
import type { WechatPayConfig } from './config'
import { privateKeyFromPem, publicKeyFromPem } from './crypto'
import { OUT_NO_PATTERN } from './mapping'

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

export type Json = Record<string, unknown>

/** A verified answer of the gateway: its HTTP status and its JSON object (empty for 204). */
export interface Answer {
  status: number
  data: Json
}

/** What every step of the adapter works with: its settings, the keys read from them, and the engine's hooks. */
export interface WechatPayContext {
  config: WechatPayConfig
  deps: AdapterDeps
  /** The provider key, `wechatpay:<mode>`. */
  key: string
  timeoutMs: number
  /** The gateway URL without a trailing slash. */
  base: string
  /** Null when the merchant key cannot be read: testConnection says so and every call refuses to start. */
  privateKey: KeyObject | null
  /** WeChat Pay's keys by serial (Wechatpay-Serial), to verify answers and notifications. */
  platformKeys: Map<string, KeyObject>
  unreadablePlatformSerials: string[]
}

/**
 * Keys are parsed once; a key that cannot be read is reported by testConnection and by every call, never by
 * throwing here (the engine must still start with a half-configured wallet).
 */
export function createWechatPayContext(config: WechatPayConfig, deps: AdapterDeps): WechatPayContext {
  const platformKeys = new Map<string, KeyObject>()
  const unreadablePlatformSerials: string[] = []
  for (const entry of config.platformKeys) {
    const publicKey = readKey(() => publicKeyFromPem(entry.publicKeyPem))
    if (publicKey) platformKeys.set(entry.serial, publicKey)
    else unreadablePlatformSerials.push(entry.serial)
  }
  return {
    config,
    deps,
    key: `wechatpay:${config.mode}`,
    timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    base: config.gatewayUrl.replace(/\/+$/, ''),
    privateKey: readKey(() => privateKeyFromPem(config.merchantPrivateKeyPem)),
    platformKeys,
    unreadablePlatformSerials,
  }
}

function readKey(read: () => KeyObject): KeyObject | null {
  try {
    return read()
  } catch {
    // Kept as "unreadable": testConnection names the key, and calls needing it fail with BAD_CONFIG.
    return null
  }
}

export function fail(reason: WechatPayFailure, message: string, extra: Json = {}): EngineError {
  return new EngineError('PROVIDER_ERROR', message, { reason, ...extra })
}

export function asObject(value: unknown): Json | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null
}

/** A header by name, whatever its case; the first of repeated values. */
export function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const wanted = name.toLowerCase()
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value[0] : value
  }
  return undefined
}

/** Tells the engine about an answer or notification refused for a security reason. */
export function report(ctx: WechatPayContext, kind: SecurityEvent['kind'], detail: string): void {
  try {
    ctx.deps.onSecurityEvent({ provider: ctx.key, kind, detail })
  } catch {
    // Reporting must never turn a refused answer into a different failure.
  }
}

/** The body as JSON, or undefined when it is not JSON (callers then find no object in it). */
export function safeJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'))
  } catch {
    // Not JSON: every caller treats undefined as "no answer object" and says so in its own error.
    return undefined
  }
}

/** Checks an out_trade_no / out_refund_no and returns it ready for a URL path. */
export function requireOutNo(value: string, what: string): string {
  if (!OUT_NO_PATTERN.test(value)) {
    throw new EngineError('VALIDATION_FAILED', `${what} must be 6–32 characters of letters, digits, _ - *`)
  }
  return encodeURIComponent(value)
}
