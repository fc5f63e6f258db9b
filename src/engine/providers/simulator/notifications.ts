import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto'
import { EngineError } from '../../../shared/errors'
import { newSecretToken } from '../../ids'
import type { IncomingNotification, ProviderTrade } from '../types'
import { getTrade, toTrade, type SimulatorContext } from './context'
import { takeFault } from './faults'
import type { TradeRow } from './types'

/** Notifications older than this are refused as replays. */
const NOTIFICATION_MAX_AGE_MS = 5 * 60 * 1000

function sign(ctx: SimulatorContext, timestamp: string, nonce: string, body: string, key = ctx.options.secret): string {
  return createHmac('sha256', signingKey(key)).update(`${timestamp}\n${nonce}\n${body}\n`).digest('base64')
}

/** Signing keys made once per secret: a key made from text on every call took 40 % of each signature's time. */
const signingKeys = new Map<string, KeyObject>()

function signingKey(secret: string): KeyObject {
  let key = signingKeys.get(secret)
  if (!key) {
    if (signingKeys.size >= 16) signingKeys.clear()
    signingKeys.set(secret, (key = createSecretKey(Buffer.from(secret, 'utf8'))))
  }
  return key
}

const NOTIFICATION_FAULTS = [
  'wrong_signature',
  'duplicate_notification',
  'late_notification',
  'out_of_order_notifications',
]

/** Posts a signed notification about the trade, once the wallet's books hold it. */
export function notify(ctx: SimulatorContext, row: TradeRow): void {
  const body = JSON.stringify({
    event_type: row.state === 'SUCCESS' ? 'TRANSACTION.SUCCESS' : 'TRANSACTION.FAIL',
    resource: {
      out_trade_no: row.out_trade_no,
      trade_state: row.state,
      amount_fen: row.amount_fen,
      transaction_id: row.transaction_id,
      success_time: row.paid_at,
    },
  })
  const timestamp = String(Math.floor(ctx.clock.now() / 1000))
  const nonce = newSecretToken(12)
  const fault = takeFault(ctx.faults, (f) => NOTIFICATION_FAULTS.includes(f.kind))
  const key = fault?.kind === 'wrong_signature' ? `${ctx.options.secret}-not-this-one` : ctx.options.secret
  const headers = {
    'x-sim-timestamp': timestamp,
    'x-sim-nonce': nonce,
    'x-sim-signature': sign(ctx, timestamp, nonce, body, key),
  }
  const notification = { headers, body }
  const delayMs = fault?.kind === 'late_notification' ? fault.delayMs : 0
  const held = ctx.heldNotification
  ctx.heldNotification = null
  if (fault?.kind === 'out_of_order_notifications') {
    ctx.heldNotification = () => deliverWhenWritten(ctx, notification, delayMs)
  } else deliverWhenWritten(ctx, notification, delayMs)
  if (fault?.kind === 'duplicate_notification') deliverWhenWritten(ctx, notification, delayMs)
  held?.()
}

/** Delivers once the wallet's books hold the trade (like a real wallet), after `delayMs`. */
function deliverWhenWritten(ctx: SimulatorContext, notification: IncomingNotification, delayMs: number): void {
  // Without a delay, right after this turn (a timer of 0 would wait a millisecond or more).
  const delivery = new Promise<void>((resolve) => (delayMs > 0 ? setTimeout(resolve, delayMs) : setImmediate(resolve)))
    .then(() => ctx.books.durable())
    .then(() => ctx.options.deliverNotification(notification))
    .catch(() => {
      // A lost notification is not lost money: the engine's query sweep finds the trade.
    })
  ctx.inFlight.add(delivery)
  void delivery.finally(() => ctx.inFlight.delete(delivery))
}

/** Resolves once every notification under way has been delivered (or given up). */
export async function idle(ctx: SimulatorContext): Promise<void> {
  while (ctx.inFlight.size) await Promise.all([...ctx.inFlight])
}

/** Checks the HMAC and the age, then reports the trade from the wallet's books (the notification is a hint). */
export async function parseNotification(
  ctx: SimulatorContext,
  notification: IncomingNotification,
): Promise<ProviderTrade> {
  const timestamp = notification.headers['x-sim-timestamp'] ?? ''
  const nonce = notification.headers['x-sim-nonce'] ?? ''
  const signature = notification.headers['x-sim-signature'] ?? ''
  const expected = Buffer.from(sign(ctx, timestamp, nonce, notification.body))
  const given = Buffer.from(signature)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new EngineError('NOTIFICATION_REJECTED', 'notification signature does not verify')
  }
  const ageMs = Math.abs(ctx.clock.now() - Number(timestamp) * 1000)
  if (!Number.isFinite(ageMs) || ageMs > NOTIFICATION_MAX_AGE_MS) {
    throw new EngineError('NOTIFICATION_REJECTED', 'notification timestamp outside the accepted window')
  }
  const outTradeNo = notifiedTradeNo(notification.body)
  // Trust the signed notification only as a hint: the wallet's books are the truth, as a query would return.
  return toTrade(getTrade(ctx, outTradeNo), outTradeNo)
}

function notifiedTradeNo(body: string): string {
  let parsed: { resource?: { out_trade_no?: unknown } }
  try {
    parsed = JSON.parse(body) as typeof parsed
  } catch {
    throw new EngineError('NOTIFICATION_REJECTED', 'notification body is not JSON')
  }
  const outTradeNo = parsed.resource?.out_trade_no
  if (typeof outTradeNo !== 'string') throw new EngineError('NOTIFICATION_REJECTED', 'notification names no trade')
  return outTradeNo
}
