import type { PaymentAttempt } from '../../shared/api/types'
import { EngineError } from '../../shared/errors'
import { errorFields } from '../logger'
import { getOrderRow, transitionOrder, type OrderRow } from '../orders/queries'
import type { IncomingNotification, ProviderTrade } from '../providers/types'
import {
  CHECKS_FIRST,
  DECLINED,
  inBackground,
  isUnfinished,
  providerFor,
  requireAttempt,
  requireOrder,
  type PaymentContext,
} from './context'
import {
  countUnfinishedAttemptsForOrder,
  getAttemptRow,
  listAttemptRowsForOrder,
  listUnfinishedAttemptRowsForOrder,
  markUserPaying,
  toAttempt,
  transitionAttempt,
  type AttemptRow,
} from './queries'
import { queueRefund, startRefunds } from './refunds'

/** Moves an order waiting for payment back to open once none of its attempts can still succeed. */
export function reopenIfIdle(ctx: PaymentContext, orderId: string): void {
  const order = getOrderRow(ctx.db, orderId)
  if (order?.status !== 'awaiting_payment') return
  if (countUnfinishedAttemptsForOrder(ctx.db, orderId) > 0) return
  if (transitionOrder(ctx.db, orderId, 'awaiting_payment', 'open', ctx.clock.now())) {
    ctx.events.append({ type: 'order.reopened', orderId })
  }
}

/** Brings our books in line with what the wallet reports for a trade. */
export async function applyTrade(ctx: PaymentContext, attempt: AttemptRow, trade: ProviderTrade): Promise<void> {
  if (trade.state === 'SUCCESS') {
    if (trade.amountFen !== attempt.amount_fen) return refuseMismatchedAmount(ctx, attempt, trade)
    return markSucceeded(ctx, attempt, trade)
  }
  if (!isUnfinished(attempt)) return
  if (trade.state === 'PAYERROR') return closeAttempt(ctx, attempt, DECLINED)
  if (trade.state === 'CLOSED' || trade.state === 'REVOKED')
    return endAttempt(ctx, attempt, 'closed', 'closed_by_wallet')
  if (trade.state === 'USERPAYING') {
    ctx.events.unitOfWork(() => {
      if (markUserPaying(ctx.db, attempt.id, ctx.clock.now())) {
        ctx.events.append({
          type: 'payment.user_paying',
          orderId: attempt.order_id,
          attemptId: attempt.id,
          data: { wallet: attempt.wallet },
        })
      }
    })
  }
  if (attempt.expires_at <= ctx.clock.now()) {
    return closeAttempt(ctx, attempt, attempt.method === 'payment-code' ? 'USERPAYING_TIMEOUT' : 'expired')
  }
}

/**
 * The wallet took a different amount than we asked for: never accept it as payment. End the attempt, give back
 * whatever the wallet reports it took, and leave the order payable.
 */
function refuseMismatchedAmount(ctx: PaymentContext, attempt: AttemptRow, trade: ProviderTrade): never {
  let refundQueued = false
  ctx.events.unitOfWork(() => {
    ctx.events.append({
      type: 'notification.rejected',
      orderId: attempt.order_id,
      attemptId: attempt.id,
      data: { reason: 'AMOUNT_MISMATCH', expectedFen: attempt.amount_fen, reportedFen: trade.amountFen },
    })
    const current = requireAttempt(ctx, attempt.id)
    if (!isUnfinished(current)) return
    const now = ctx.clock.now()
    transitionAttempt(ctx.db, current.id, current.status, 'failed', now, { failureCode: 'AMOUNT_MISMATCH' })
    ctx.events.append({
      type: 'payment.failed',
      orderId: current.order_id,
      attemptId: current.id,
      data: { failureCode: 'AMOUNT_MISMATCH' },
    })
    const reported = trade.amountFen ?? 0
    if (reported > 0) {
      const refund = { kind: 'automatic', attempt: current, amountFen: reported, reason: 'amount_mismatch' } as const
      refundQueued = queueRefund(ctx, refund, now) !== null
    }
    reopenIfIdle(ctx, current.order_id)
  })
  if (refundQueued) startRefunds(ctx)
  throw new EngineError('NOTIFICATION_REJECTED', 'the paid amount does not match the payment')
}

/**
 * Records a payment the wallet confirmed. The first success pays its order and closes the order's other codes;
 * money the order no longer needs is refunded, once.
 */
export function markSucceeded(ctx: PaymentContext, attempt: AttemptRow, trade: ProviderTrade): void {
  // The attempt and order are read first, and nothing after refuses: each compare-and-set expects what this same
  // synchronous unit has just read, so it can only lose to a bug.
  const outcome = ctx.events.unitOfWork((): 'paid' | 'refund_queued' | 'nothing' => {
    const current = requireAttempt(ctx, attempt.id)
    if (current.status === 'succeeded') return 'nothing'
    const now = ctx.clock.now()
    const order = requireOrder(ctx, current.order_id)
    if (isUnfinished(current)) {
      recordSuccess(ctx, current, trade, now)
      if (order.status === 'open' || order.status === 'awaiting_payment') {
        payOrder(ctx, order, current, now)
        return 'paid'
      }
    }
    return refundUnneeded(ctx, order, current, now) ? 'refund_queued' : 'nothing'
  }, CHECKS_FIRST)
  if (outcome === 'paid') closeSiblings(ctx, attempt)
  if (outcome === 'refund_queued') startRefunds(ctx)
}

/** created → pending → succeeded: a wallet can answer "paid" before we saw the attempt pending. */
function recordSuccess(ctx: PaymentContext, current: AttemptRow, trade: ProviderTrade, now: number): void {
  const { db } = ctx
  if (current.status === 'created' && !transitionAttempt(db, current.id, 'created', 'pending', now)) {
    throw new EngineError('CONCURRENT_UPDATE', 'the payment changed meanwhile')
  }
  if (!transitionAttempt(db, current.id, 'pending', 'succeeded', now, { providerTradeNo: trade.providerTradeNo })) {
    throw new EngineError('CONCURRENT_UPDATE', 'the payment changed meanwhile')
  }
  ctx.events.append({
    type: 'payment.succeeded',
    orderId: current.order_id,
    attemptId: current.id,
    data: { wallet: current.wallet, amountFen: current.amount_fen, providerTradeNo: trade.providerTradeNo },
  })
}

function payOrder(ctx: PaymentContext, order: OrderRow, paid: AttemptRow, now: number): void {
  const paidBy = { wallet: paid.wallet, attemptId: paid.id }
  if (!transitionOrder(ctx.db, order.id, order.status, 'paid', now, paidBy)) {
    throw new EngineError('CONCURRENT_UPDATE', 'the order changed meanwhile')
  }
  ctx.events.append({
    type: 'order.paid',
    orderId: order.id,
    attemptId: paid.id,
    data: { wallet: paid.wallet, amountFen: order.total_fen },
  })
  for (const hook of ctx.orderPaidHooks) hook(order.id, paid, now)
}

/**
 * Money arrived that the order does not need (paid another way, ended, or on an attempt we had already ended):
 * it goes back to the payer, once. Returns whether a refund was queued.
 */
function refundUnneeded(ctx: PaymentContext, order: OrderRow, current: AttemptRow, now: number): boolean {
  const reason = order.status === 'paid' && order.paid_attempt_id !== current.id ? 'duplicate_payment' : 'late_payment'
  ctx.events.append({
    type: 'payment.late_success',
    orderId: order.id,
    attemptId: current.id,
    data: {
      wallet: current.wallet,
      amountFen: current.amount_fen,
      orderStatus: order.status,
      attemptStatus: current.status,
    },
  })
  return queueRefund(ctx, { kind: 'automatic', attempt: current, amountFen: current.amount_fen, reason }, now) !== null
}

/** The other codes of a paid order are closed at their wallets once the order is paid on disk. */
function closeSiblings(ctx: PaymentContext, paid: AttemptRow): void {
  const siblings = listUnfinishedAttemptRowsForOrder(ctx.db, paid.order_id).filter((s) => s.id !== paid.id)
  if (!siblings.length) return
  const paidOnDisk = ctx.events.durable()
  for (const sibling of siblings) {
    const closing = paidOnDisk.then(() => closeAttempt(ctx, sibling, 'order_paid'))
    inBackground(ctx, 'closing the other code of a paid order', closing, { attemptId: sibling.id })
  }
}

/** Ends an unfinished attempt in our books; `payment.reversed` for a payment code the wallet reversed. */
export function endAttempt(
  ctx: PaymentContext,
  attempt: AttemptRow,
  to: 'closed' | 'failed',
  reason: string,
  eventType: 'payment.closed' | 'payment.reversed' = 'payment.closed',
): void {
  ctx.events.unitOfWork(() => {
    const current = requireAttempt(ctx, attempt.id)
    if (!isUnfinished(current)) return
    const failure = to === 'failed' ? { failureCode: reason } : {}
    if (!transitionAttempt(ctx.db, current.id, current.status, to, ctx.clock.now(), failure)) {
      throw new EngineError('CONCURRENT_UPDATE', 'the payment changed meanwhile')
    }
    const common = { orderId: current.order_id, attemptId: current.id }
    if (to === 'failed') ctx.events.append({ type: 'payment.failed', ...common, data: { failureCode: reason } })
    else ctx.events.append({ type: eventType, ...common, data: { reason } })
    reopenIfIdle(ctx, current.order_id)
  })
}

/**
 * Ends an attempt at its wallet — asking first whether it was paid — and then in our books. A QR code
 * is closed; a payment code is reversed (the wallet returns any money it took).
 */
export async function closeAttempt(ctx: PaymentContext, attempt: AttemptRow, reason: string): Promise<void> {
  const provider = providerFor(ctx, attempt)
  const before = await provider.query(attempt.id)
  if (before.state === 'SUCCESS') return applyTrade(ctx, attempt, before)
  const reversing = attempt.method === 'payment-code'
  const after = reversing ? await provider.reverse(attempt.id) : await provider.close(attempt.id)
  if (after.state === 'SUCCESS') return applyTrade(ctx, attempt, after)
  if (before.state === 'PAYERROR') return endAttempt(ctx, attempt, 'failed', DECLINED)
  endAttempt(ctx, attempt, 'closed', reason, reversing ? 'payment.reversed' : 'payment.closed')
}

/** A wallet's notification: verified by its adapter, then applied like the answer to a query. */
export async function acceptNotification(
  ctx: PaymentContext,
  providerKey: string,
  notification: IncomingNotification,
): Promise<void> {
  const provider = ctx.providers.byKey(providerKey)
  if (!provider) throw new EngineError('NOT_FOUND', 'unknown notification endpoint')
  let trade: ProviderTrade
  try {
    trade = await provider.parseNotification(notification)
  } catch (error) {
    const reason = error instanceof EngineError ? error.message : 'unreadable'
    if (!(error instanceof EngineError)) ctx.log.error({ provider: providerKey, ...errorFields(error) }, 'notification')
    const source = notification.source
    const admission = ctx.rejections.admit(`${providerKey}|${source ?? ''}|${reason}`)
    if (admission.record) {
      const counted = admission.suppressed ? { suppressed: admission.suppressed } : {}
      const from = source ? { source } : {}
      ctx.events.unitOfWork(() => {
        ctx.events.append({
          type: 'notification.rejected',
          data: { provider: providerKey, reason, ...from, ...counted },
        })
      })
    }
    throw error instanceof EngineError ? error : new EngineError('NOTIFICATION_REJECTED', 'notification rejected')
  }
  const attempt = getAttemptRow(ctx.db, trade.outTradeNo)
  if (!attempt || attempt.provider !== providerKey) {
    throw new EngineError('NOTIFICATION_REJECTED', 'notification names an unknown payment')
  }
  await applyTrade(ctx, attempt, trade)
}

/** The cashier ends a payment (asking its wallet first). */
export async function closePayment(ctx: PaymentContext, id: string): Promise<PaymentAttempt> {
  const attempt = requireAttempt(ctx, id)
  if (isUnfinished(attempt)) await closeAttempt(ctx, attempt, 'closed_by_cashier')
  return toAttempt(requireAttempt(ctx, id))
}

/** Closes every unfinished attempt of an order; returns when the wallets have answered. */
export async function closeAllForOrder(ctx: PaymentContext, orderId: string, reason: string): Promise<void> {
  for (const attempt of listAttemptRowsForOrder(ctx.db, orderId)) {
    if (isUnfinished(attempt)) await closeAttempt(ctx, attempt, reason)
  }
}
