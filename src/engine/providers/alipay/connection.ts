import type { ConnectionTestResult } from '../common'
import { GatewayError, type GatewayAnswer } from './client'
import { NOT_EXIST, type AlipayContext } from './context'

/**
 * "Test connection": a query for a trade that does not exist. A verified "not found" proves the keys; an
 * unsigned error answer is accepted here only, as a hint at what to fix.
 */
export async function testConnection(ctx: AlipayContext): Promise<ConnectionTestResult> {
  const probe = `hutong_probe_${ctx.deps.clock.now()}`
  let answer: GatewayAnswer
  try {
    answer = await ctx.gateway.call('alipay.trade.query', { out_trade_no: probe }, { allowUnsignedError: true })
  } catch (error) {
    return explainNoAnswer(ctx, error)
  }
  if (answer.verified && (answer.subCode === NOT_EXIST || answer.code === '10000')) {
    return { ok: true, code: 'OK', message: 'Connected: Alipay accepted the keys and its answer was verified.' }
  }
  return explainRefusal(ctx, answer)
}

/** No answer to believe: a bad signature, something that is not Alipay, or no connection. */
function explainNoAnswer(ctx: AlipayContext, error: unknown): ConnectionTestResult {
  if (!(error instanceof GatewayError)) {
    return result('UNREACHABLE', 'Alipay could not be reached. Check the internet connection and the gateway URL.')
  }
  if (error.kind === 'bad_signature') {
    return result(
      'BAD_RESPONSE_SIGNATURE',
      'Alipay answered, but its signature does not match the Alipay public key you entered. Copy the Alipay public key (支付宝公钥) again — not your app public key.',
    )
  }
  if (error.kind === 'bad_response') {
    return result(
      'WRONG_GATEWAY',
      `The gateway address did not answer like Alipay (${error.message}). Check the gateway URL for ${ctx.config.mode}.`,
    )
  }
  return result(
    'UNREACHABLE',
    `Alipay could not be reached: ${error.message}. Check the internet connection and the gateway URL.`,
  )
}

/** Alipay refused the probe: its sub_code says what to fix. */
function explainRefusal(ctx: AlipayContext, answer: GatewayAnswer): ConnectionTestResult {
  const sub = answer.subCode ?? ''
  if (sub === 'isv.invalid-signature') {
    return result(
      'WRONG_KEY',
      'Alipay could not verify our request signature: the app private key does not match the app public key uploaded to the Alipay console, or the App ID belongs to another app.',
    )
  }
  if (sub === 'isv.invalid-timestamp') return explainClockSkew(ctx, answer)
  if (sub === 'isv.invalid-app-id' || sub === 'isv.app-unavailable' || sub === 'isv.invalid-app-status') {
    return result(
      'REJECTED',
      `Alipay does not accept this App ID (${sub}). Check the App ID and that the app is online for ${ctx.config.mode}.`,
    )
  }
  if (sub === 'isv.insufficient-isv-permissions' || sub === 'isv.insufficient-user-permissions') {
    return result(
      'REJECTED',
      'Alipay accepted the keys, but this app has not signed the face-to-face payment (当面付) product.',
    )
  }
  return result('REJECTED', `Alipay refused the test call: ${sub || answer.code} ${answer.subMsg ?? answer.msg}`.trim())
}

function explainClockSkew(ctx: AlipayContext, answer: GatewayAnswer): ConnectionTestResult {
  const skew =
    answer.serverTime === null
      ? ''
      : ` (this computer is ${Math.round((ctx.deps.clock.now() - answer.serverTime) / 1000)} s off Alipay's clock)`
  ctx.deps.onSecurityEvent({
    provider: ctx.key,
    kind: 'clock_skew',
    detail: `alipay rejected the request timestamp${skew}`,
  })
  return result(
    'CLOCK_SKEW',
    `Alipay refused the request time${skew}. Set this computer's clock and time zone automatically.`,
  )
}

function result(code: ConnectionTestResult['code'], message: string): ConnectionTestResult {
  return { ok: false, code, message }
}
