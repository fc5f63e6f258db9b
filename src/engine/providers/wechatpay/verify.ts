import { responseMessage, verifySha256WithRsa } from './crypto'
import { header, MAX_CLOCK_SKEW_MS, type WechatPayContext } from './context'

/** Why a signature that is there is not believed. */
export interface BadSignature {
  reason: 'UNKNOWN_SERIAL' | 'RESPONSE_SIGNATURE' | 'CLOCK_SKEW'
  detail: string
}

/** Why a signed answer or notification is not believed: no signature at all, or a bad one. */
export type SignatureProblem = { reason: 'UNSIGNED'; detail: string } | BadSignature

/** Checks the four Wechatpay-* headers of an answer or notification; returns why it fails, or null. */
export function verifySigned(
  ctx: WechatPayContext,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
): SignatureProblem | null {
  const timestamp = header(headers, 'Wechatpay-Timestamp')
  const nonce = header(headers, 'Wechatpay-Nonce')
  const signature = header(headers, 'Wechatpay-Signature')
  const serial = header(headers, 'Wechatpay-Serial')
  if (!timestamp || !nonce || !signature || !serial) return { reason: 'UNSIGNED', detail: 'signature headers missing' }
  const signatureType = header(headers, 'Wechatpay-Signature-Type')
  if (signatureType !== undefined && signatureType !== 'WECHATPAY2-SHA256-RSA2048') {
    return { reason: 'RESPONSE_SIGNATURE', detail: `unsupported signature type ${signatureType.slice(0, 40)}` }
  }
  const publicKey = ctx.platformKeys.get(serial)
  if (!publicKey) {
    return { reason: 'UNKNOWN_SERIAL', detail: `no WeChat Pay key configured for serial ${serial.slice(0, 64)}` }
  }
  if (
    !/^\d{1,12}$/.test(timestamp) ||
    !verifySha256WithRsa(responseMessage(timestamp, nonce, body), signature, publicKey)
  ) {
    return {
      reason: 'RESPONSE_SIGNATURE',
      detail: `signature does not verify with the key of serial ${serial.slice(0, 64)}`,
    }
  }
  const skewMs = Math.abs(ctx.deps.clock.now() - Number(timestamp) * 1000)
  if (skewMs > MAX_CLOCK_SKEW_MS) {
    return { reason: 'CLOCK_SKEW', detail: `timestamp ${timestamp} is ${Math.round(skewMs / 1000)} s from our clock` }
  }
  return null
}
