import { EngineError } from '../../../shared/errors'
import type { SecurityEvent } from '../common'
import type { IncomingNotification, ProviderTrade } from '../types'
import { remember, tradeStateOf, type AlipayContext } from './context'
import { parseBeijingTime, yuanToFen } from './format'
import { FormError, parseForm, verifyNotification } from './notification'

type Fields = ReturnType<typeof parseForm>

/**
 * An asynchronous notification: signed by Alipay for our app, fresh, not seen before, and naming a trade
 * we can read. Every refusal is reported as a security event and is NOTIFICATION_REJECTED.
 */
export async function parseNotification(
  ctx: AlipayContext,
  notification: IncomingNotification,
): Promise<ProviderTrade> {
  const fields = readForm(ctx, notification)
  const text = (name: string): string => fields.get(name)?.text ?? ''
  refuseUnauthentic(ctx, fields)
  const outTradeNo = text('out_trade_no')
  if (!outTradeNo) refuse(ctx, 'notification_signature', 'the notification names no out_trade_no')
  const amountFen = yuanToFen(text('total_amount'))
  if (amountFen === null) refuse(ctx, 'notification_signature', 'the notification has no valid total_amount')
  const status = text('trade_status')
  const state = tradeStateOf(ctx, status, outTradeNo)
  if (!state) refuse(ctx, 'notification_signature', `unknown trade_status ${status}`)
  remember(ctx.seenNotifications, text('sign'))
  return {
    outTradeNo,
    state,
    amountFen,
    providerTradeNo: text('trade_no') || null,
    paidAt: state === 'SUCCESS' ? parseBeijingTime(text('gmt_payment')) : null,
  }
}

function readForm(ctx: AlipayContext, notification: IncomingNotification): Fields {
  try {
    return parseForm(notification.body, notification.headers['content-type'])
  } catch (error) {
    return refuse(ctx, 'notification_signature', error instanceof FormError ? error.message : 'unreadable form body')
  }
}

/** RSA2 signature by Alipay's key, for our app, sent recently, and not accepted before. */
function refuseUnauthentic(ctx: AlipayContext, fields: Fields): void {
  const text = (name: string): string => fields.get(name)?.text ?? ''
  if (text('sign_type') !== 'RSA2') {
    refuse(ctx, 'notification_signature', `sign_type ${text('sign_type') || 'missing'} is not RSA2`)
  }
  if (!verifyNotification(fields, ctx.alipayPublicKey)) {
    refuse(ctx, 'notification_signature', 'the signature does not verify')
  }
  if (text('app_id') !== ctx.config.appId)
    refuse(ctx, 'notification_signature', 'the notification is for another app_id')
  const sentAt = parseBeijingTime(text('notify_time'))
  if (sentAt === null || Math.abs(ctx.deps.clock.now() - sentAt) > ctx.notificationMaxAgeMs) {
    refuse(ctx, 'notification_replay', 'notify_time is outside the accepted window')
  }
  if (ctx.seenNotifications.has(text('sign'))) {
    refuse(ctx, 'notification_replay', 'this exact notification was already accepted')
  }
}

function refuse(
  ctx: AlipayContext,
  kind: Extract<SecurityEvent['kind'], 'notification_signature' | 'notification_replay'>,
  detail: string,
): never {
  ctx.deps.onSecurityEvent({ provider: ctx.key, kind, detail })
  throw new EngineError('NOTIFICATION_REJECTED', `Alipay notification rejected: ${detail}`)
}
