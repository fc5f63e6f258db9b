import type { OperationParsedInput } from '../../shared/api/operations'
import type { FriendPayRequest } from '../../shared/api/types'
import { EngineError } from '../../shared/errors'
import { toIso, toIsoOrNull } from '../clock'
import { getRoutingSettings } from '../config/routing'
import { newSecretToken } from '../ids'
import { errorFields } from '../logger'
import type { OrderRow } from '../orders/queries'
import { listUnfinishedAttemptsForFriendPay, type AttemptRow } from '../payments/queries'
import { qrSvg } from '../payments/service'
import { formatPayCode, maskName, maskPhone, newPayCode } from './codes'
import { eligibleWallets, linkOf, requireRequest, type FriendPayContext } from './context'
import {
  extendOrderDeadline,
  finishFriendPay,
  getFriendPayByCode,
  insertFriendPay,
  listDueFriendPay,
  listOpenFriendPayForOrder,
  restoreOrderDeadline,
  type FriendPayRow,
} from './queries'

/** A request as the requester's console shows it: masked names, the share link, its QR and pay code. */
export async function view(ctx: FriendPayContext, row: FriendPayRow): Promise<FriendPayRequest> {
  const url = `${ctx.publicBaseUrl()}${linkOf(row)}`
  return {
    id: row.id,
    orderId: row.order_id,
    status: row.status,
    mode: row.mode,
    requesterName: row.requester_name,
    requesterMasked: maskName(row.requester_name),
    payerPhoneMasked: row.payer_phone ? maskPhone(row.payer_phone) : null,
    message: row.message,
    amountFen: row.amount_fen,
    url,
    payCode: formatPayCode(row.pay_code),
    qrSvg: await qrSvg(url),
    locked: row.locked_at !== null,
    failedTries: row.failed_tries,
    cancelReason: row.cancel_reason,
    expiresAt: toIso(row.expires_at),
    createdAt: toIso(row.created_at),
    paidAt: toIsoOrNull(row.paid_at),
    expiredAt: toIsoOrNull(row.expired_at),
    cancelledAt: toIsoOrNull(row.cancelled_at),
  }
}

/** Asks a friend to pay an order; the order stays payable for as long as the friend may pay it. */
export async function createRequest(
  ctx: FriendPayContext,
  input: OperationParsedInput<'friendPay.create'>,
): Promise<FriendPayRequest> {
  const order = ctx.payments.requireOrder(input.id)
  const now = ctx.clock.now()
  const ttlHours = requireAskable(ctx, order, now)
  const id = ctx.newId('fpr')
  const expiresAt = now + ttlHours * 3600_000
  ctx.events.unitOfWork(() => {
    let payCode = newPayCode()
    while (getFriendPayByCode(ctx.db, payCode)) payCode = newPayCode()
    const request = {
      id,
      order_id: order.id,
      secret: newSecretToken(16),
      pay_code: payCode,
      requester_name: input.requesterName,
      mode: input.mode,
      payer_phone: input.payerPhone ?? null,
      message: input.message ?? null,
      amount_fen: order.total_fen,
      expires_at: expiresAt,
    }
    insertFriendPay(ctx.db, request, now)
    // The order stays payable for as long as the friend may pay it.
    extendOrderDeadline(ctx.db, order.id, expiresAt, now)
    ctx.events.append({
      type: 'friend_pay.created',
      orderId: order.id,
      data: { friendPayId: id, mode: input.mode, amountFen: order.total_fen, expiresAt: toIso(expiresAt) },
    })
  })
  return view(ctx, requireRequest(ctx, id))
}

/** Throws unless a friend may be asked to pay this order now; returns how many hours the request lasts. */
function requireAskable(ctx: FriendPayContext, order: OrderRow, now: number): number {
  if ((order.status !== 'open' && order.status !== 'awaiting_payment') || order.expires_at <= now) {
    throw new EngineError('ORDER_NOT_PAYABLE', `order ${order.id} is ${order.status}`)
  }
  const settings = getRoutingSettings(ctx.db).friendPay
  if (!settings.enabled) {
    throw new EngineError('FRIEND_PAY_UNAVAILABLE', 'friend pay is switched off', { reason: 'DISABLED' })
  }
  if (order.total_fen > settings.maxFen) {
    throw new EngineError('FRIEND_PAY_UNAVAILABLE', `a friend may be asked for at most ${settings.maxFen} fen`, {
      reason: 'AMOUNT_ABOVE_MAX',
      maxFen: settings.maxFen,
    })
  }
  if (!eligibleWallets(ctx, order).length) {
    throw new EngineError('FRIEND_PAY_UNAVAILABLE', 'no wallet may be used by a friend for this order', {
      reason: 'NO_ELIGIBLE_WALLET',
    })
  }
  return settings.ttlHours
}

/** Closes the request's open payments at their wallets, then ends the request. */
async function finish(
  ctx: FriendPayContext,
  row: FriendPayRow,
  to: 'expired' | 'cancelled',
  reason: string,
): Promise<void> {
  const { db, events, clock } = ctx
  for (const attempt of listUnfinishedAttemptsForFriendPay(db, row.id)) {
    await ctx.payments.closeAttempt(attempt, to === 'expired' ? 'friend_pay_expired' : 'friend_pay_cancelled')
  }
  events.unitOfWork(() => {
    // A friend who chose a wallet while the closing calls were under way leaves a new open payment: try again.
    if (listUnfinishedAttemptsForFriendPay(db, row.id).length > 0) {
      throw new EngineError('CONCURRENT_UPDATE', 'a payment of this request is still open, try again')
    }
    if (finishFriendPay(db, row.id, to, clock.now(), to === 'cancelled' ? { cancelReason: reason } : {})) {
      restoreOrderDeadline(db, row.order_id, ctx.orderTtlMs, clock.now())
      events.append({
        type: to === 'expired' ? 'friend_pay.expired' : 'friend_pay.cancelled',
        orderId: row.order_id,
        data: { friendPayId: row.id, reason },
      })
    }
  })
}

export async function cancelRequest(ctx: FriendPayContext, id: string): Promise<FriendPayRequest> {
  const row = requireRequest(ctx, id)
  if (row.status === 'open') await finish(ctx, row, 'cancelled', 'cancelled_by_requester')
  const after = requireRequest(ctx, id)
  if (after.status === 'paid') throw new EngineError('INVALID_STATE', 'the friend has already paid')
  return view(ctx, after)
}

/** Ends every open request past its deadline (the sweep runs this; the database is the schedule). */
export async function expireDue(ctx: FriendPayContext): Promise<void> {
  for (const row of listDueFriendPay(ctx.db, ctx.clock.now())) {
    try {
      await finish(ctx, row, 'expired', 'expired')
    } catch (error) {
      // A wallet did not answer, or a payment was still open: the request stays due and the next sweep tries
      // again.
      ctx.log.warn({ friendPayId: row.id, ...errorFields(error) }, 'friend pay: expiring a request failed')
    }
  }
}

/** Inside the transaction that pays an order: its friend requests follow. */
export function onOrderPaid(ctx: FriendPayContext, orderId: string, attempt: AttemptRow, now: number): void {
  for (const row of listOpenFriendPayForOrder(ctx.db, orderId)) {
    if (row.id === attempt.friend_pay_id) {
      finishFriendPay(ctx.db, row.id, 'paid', now, { paidAttemptId: attempt.id })
      ctx.events.append({
        type: 'friend_pay.paid',
        orderId,
        attemptId: attempt.id,
        data: { friendPayId: row.id, wallet: attempt.wallet },
      })
    } else {
      finishFriendPay(ctx.db, row.id, 'cancelled', now, { cancelReason: 'order_paid' })
      ctx.events.append({ type: 'friend_pay.cancelled', orderId, data: { friendPayId: row.id, reason: 'order_paid' } })
    }
  }
}
