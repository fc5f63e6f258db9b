import { chinaumsFacts } from '../../../shared/providers/chinaums'
import type { NotificationReply } from '../../../shared/providers/facts'
import { EngineError } from '../../../shared/errors'
import type { SecurityEvent } from '../common'
import type { IncomingNotification, ProviderTrade } from '../types'
import { billToTrade } from './bills'
import { asObject, report, type ChinaumsContext } from './client'
import { verifySign } from './crypto'
import { fromAcquirerNo, parseDateTime, toAcquirerNo } from './mapping'

/** What China UMS expects as the answer to a notification: the plain text SUCCESS, or FAILED to have it sent again. */
export function notificationReply(ok: boolean): NotificationReply {
  return chinaumsFacts.notificationReply(ok ? { ok } : { ok, status: 400, code: 'NOTIFICATION_REJECTED', message: '' })
}

/** A notification body larger than this is not one China UMS sends. */
const MAX_BODY_CHARS = 64 * 1024

class Refusal extends Error {
  constructor(
    readonly kind: SecurityEvent['kind'],
    message: string,
  ) {
    super(message)
  }
}

/** application/x-www-form-urlencoded, UTF-8; a field named twice is refused (which value was signed?). */
export function parseForm(body: string): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const pair of body.split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    let name: string
    let value: string
    try {
      name = decodeURIComponent((eq < 0 ? pair : pair.slice(0, eq)).replace(/\+/g, ' '))
      value = decodeURIComponent((eq < 0 ? '' : pair.slice(eq + 1)).replace(/\+/g, ' '))
    } catch {
      throw new Refusal('notification_signature', 'the notification is not well-formed form data')
    }
    if (!/^[A-Za-z0-9_]{1,64}$/.test(name)) throw new Refusal('notification_signature', 'a field name is not plain')
    if (Object.hasOwn(fields, name)) throw new Refusal('notification_signature', `the field ${name} appears twice`)
    fields[name] = value
  }
  return fields
}

function checkFreshness(ctx: ChinaumsContext, fields: Record<string, string>): void {
  const payment = asObject(fields.billPayment) ?? {}
  const sentAt = parseDateTime(payment.payTime) ?? parseDateTime(fields.createTime)
  if (sentAt === null) throw new Refusal('notification_replay', 'the notification carries no time')
  if (Math.abs(ctx.deps.clock.now() - sentAt) > ctx.notificationMaxAgeMs) {
    throw new Refusal('notification_replay', 'the notification time is outside the accepted window')
  }
}

function verified(ctx: ChinaumsContext, notification: IncomingNotification): ProviderTrade {
  if (notification.body.length > MAX_BODY_CHARS) throw new Refusal('notification_signature', 'the body is too large')
  const fields = parseForm(notification.body)
  if (!verifySign(fields, ctx.config.notifyKey)) {
    throw new Refusal('notification_signature', 'the sign does not verify with the communication key')
  }
  if (fields.mid !== ctx.config.mid || (fields.tid !== undefined && fields.tid !== ctx.config.tid)) {
    throw new Refusal('notification_signature', 'the notification is for another merchant or terminal')
  }
  const outTradeNo = fromAcquirerNo(ctx.trades, fields.billNo)
  if (!outTradeNo) throw new Refusal('notification_signature', 'the billNo is not one of ours')
  checkFreshness(ctx, fields)
  try {
    return billToTrade(outTradeNo, toAcquirerNo(ctx.trades, outTradeNo, 'billNo'), fields)
  } catch {
    throw new Refusal('notification_signature', 'the notification reports an unreadable bill')
  }
}

/**
 * Verifies a payment notification (form fields signed with the communication key, MD5 or SHA256 as `signType`
 * says), checks it is for this merchant and recent, and returns the bill it reports. Every refusal is a
 * NOTIFICATION_REJECTED and a security event.
 */
export async function parseNotification(
  ctx: ChinaumsContext,
  notification: IncomingNotification,
): Promise<ProviderTrade> {
  try {
    return verified(ctx, notification)
  } catch (error) {
    if (!(error instanceof Refusal)) throw error
    report(ctx, error.kind, error.message)
    throw new EngineError('NOTIFICATION_REJECTED', `notification refused: ${error.message}`)
  }
}
