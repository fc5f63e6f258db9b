import { EngineError } from '../../../shared/errors'
import type { ConnectionTestResult } from '../common'
import { asObject, type WechatPayContext, type WechatPayFailure } from './context'
import { newNonce } from './crypto'
import { query } from './trades'

/**
 * "Test connection": the keys are checked locally first, then a query for an out_trade_no no checkout
 * ever uses is sent: a signed "not found" proves keys, serials and clock.
 */
export async function testConnection(ctx: WechatPayContext): Promise<ConnectionTestResult> {
  const unusable = unusableKeys(ctx)
  if (unusable) return unusable
  const probe = `hutongprobe${newNonce(16)}`
  try {
    await query(ctx, probe)
    return { ok: true, code: 'OK', message: 'Connected: WeChat Pay accepted our signature and its answer verified.' }
  } catch (error) {
    return explainFailure(error)
  }
}

function unusableKeys(ctx: WechatPayContext): ConnectionTestResult | null {
  if (!ctx.privateKey) {
    return result('WRONG_KEY', 'The merchant API private key (apiclient_key.pem) cannot be read.')
  }
  if (Buffer.byteLength(ctx.config.apiV3Key, 'utf8') !== 32) {
    return result('WRONG_KEY', 'The APIv3 key must be exactly 32 characters.')
  }
  const { platformKeys, unreadablePlatformSerials: unreadable } = ctx
  if (unreadable.length > 0 || platformKeys.size === 0) {
    return result(
      'WRONG_SERIAL',
      platformKeys.size === 0 && unreadable.length === 0
        ? 'No WeChat Pay public key or platform certificate is configured.'
        : `The WeChat Pay public key for serial ${unreadable[0]} cannot be read.`,
    )
  }
  return null
}

/** A failed probe, in the merchant's words: what to check, by the failure's `reason`. */
function explainFailure(error: unknown): ConnectionTestResult {
  const details = error instanceof EngineError ? asObject(error.details) : null
  const status = typeof details?.status === 'number' ? details.status : null
  const wechatCode = typeof details?.wechatCode === 'string' ? details.wechatCode : null
  switch (details?.reason as WechatPayFailure | undefined) {
    case 'TIMEOUT':
    case 'UNREACHABLE':
      return result('UNREACHABLE', 'WeChat Pay could not be reached: check the network and the gateway address.')
    case 'UNKNOWN_SERIAL':
      return result(
        'WRONG_SERIAL',
        'WeChat Pay signed its answer with a key whose serial (public key ID) is not configured: add the current WeChat Pay public key or platform certificate.',
      )
    case 'CLOCK_SKEW':
      return result(
        'CLOCK_SKEW',
        "This computer's clock differs from WeChat Pay's by more than 5 minutes: set the clock automatically and try again.",
      )
    case 'RESPONSE_SIGNATURE':
      return result(
        'BAD_RESPONSE_SIGNATURE',
        'The answer did not verify with the configured WeChat Pay public key: check the key, or the network may be tampering with traffic.',
      )
    case 'UNSIGNED_ERROR':
      return explainUnsignedRefusal(status, wechatCode, details?.clockSkewed === true)
    case 'BAD_RESPONSE':
      return result(
        'WRONG_GATEWAY',
        'The gateway answered something WeChat Pay never sends: check the gateway address.',
      )
    case 'API_ERROR':
      return explainApiError(status, wechatCode)
    default:
      return result('REJECTED', error instanceof EngineError ? error.message : 'The connection test failed.')
  }
}

/** An unsigned refusal: our signature or our clock (401), or no WeChat Pay server at all. */
function explainUnsignedRefusal(
  status: number | null,
  wechatCode: string | null,
  clockSkewed: boolean,
): ConnectionTestResult {
  if (status === 401 && clockSkewed) {
    return result(
      'CLOCK_SKEW',
      "WeChat Pay refused our request time: this computer's clock is more than 5 minutes off. Set the clock automatically and try again.",
    )
  }
  if (status === 401) {
    return result(
      'WRONG_KEY',
      `WeChat Pay refused our signature${wechatCode ? ` (${wechatCode})` : ''}: check the merchant ID, the API certificate serial number and the private key.`,
    )
  }
  return result(
    'WRONG_GATEWAY',
    `The gateway answered like no WeChat Pay server (HTTP ${status ?? '?'}): check the gateway address.`,
  )
}

function explainApiError(status: number | null, wechatCode: string | null): ConnectionTestResult {
  if (status !== null && status >= 500) {
    return result('UNREACHABLE', 'WeChat Pay is having trouble right now: try again in a few minutes.')
  }
  return result(
    'REJECTED',
    `WeChat Pay refused the request${wechatCode ? ` (${wechatCode})` : ''}: check the merchant ID and the AppID.`,
  )
}

function result(code: ConnectionTestResult['code'], message: string): ConnectionTestResult {
  return { ok: false, code, message }
}
