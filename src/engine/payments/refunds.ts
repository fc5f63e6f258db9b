import { appendAudit } from '../config/audit'
import { present } from '../../shared/assert'
import { EngineError } from '../../shared/errors'
import { errorFields } from '../logger'
import type { ProviderRefund } from '../providers/types'
import { inBackground, providerFor, requireAttempt, type PaymentContext } from './context'
import type { AttemptRow } from './queries'
import {
  addRefundedToOrder,
  finishRefund,
  getRefundRow,
  hasLiveRefund,
  insertAutomaticRefund,
  insertRetryRefund,
  listPendingRefunds,
  markRefundProcessing,
  recordRefundTry,
  refundView,
  type AutomaticRefundReason,
  type RefundRow,
  type RefundView,
} from './refundQueries'

/** A refund to record: money the order did not need, given back whole and once; or a retry of a failed one. */
export type RefundToQueue =
  | { kind: 'automatic'; attempt: AttemptRow; amountFen: number; reason: AutomaticRefundReason }
  | { kind: 'retry'; of: RefundRow }

/**
 * Records a refund and its `refund.created` event inside the caller's unit of work; it is sent to the wallet
 * by `startRefunds` once on disk. Returns its id, or null when the payment already has its automatic refund.
 */
export function queueRefund(ctx: PaymentContext, refund: RefundToQueue, now: number): string | null {
  const id = ctx.newId('rfd')
  if (refund.kind === 'retry') {
    const failed = refund.of
    insertRetryRefund(ctx.db, failed, id, now)
    ctx.events.append({
      type: 'refund.created',
      orderId: failed.order_id,
      attemptId: failed.attempt_id,
      data: { refundId: id, amountFen: failed.amount_fen, reason: 'retry', retryOf: failed.id },
    })
    return id
  }
  const { attempt, amountFen, reason } = refund
  const inserted = insertAutomaticRefund(
    ctx.db,
    { id, orderId: attempt.order_id, attemptId: attempt.id, wallet: attempt.wallet, amountFen, reason },
    now,
  )
  if (!inserted) return null
  ctx.events.append({
    type: 'refund.created',
    orderId: attempt.order_id,
    attemptId: attempt.id,
    data: { refundId: id, amountFen, reason },
  })
  return id
}

/** Sends queued refunds in the background; what fails now is retried by the sweep. */
export function startRefunds(ctx: PaymentContext): void {
  inBackground(ctx, 'sending refunds', ctx.processRefunds())
}

/**
 * Sends every pending refund to its wallet. The refund id is the wallet's out_refund_no, so a retry
 * after a lost answer refunds nothing twice; a refund stays pending until the wallet confirms it.
 */
export async function sendDueRefunds(ctx: PaymentContext): Promise<void> {
  const now = ctx.clock.now()
  // Money leaves only for a refund that is on disk: the list may hold refunds of a group still open, and a
  // group lost meanwhile (any of them) means the refund is read again once everything is durable.
  const mark = ctx.events.mark()
  for (const listed of listPendingRefunds(ctx.db, 100)) {
    if (ctx.stopping()) return
    if (!refundDue(listed, now)) continue
    try {
      await ctx.events.durable(mark)
    } catch (error) {
      // Nothing was sent; the refunds still on disk are read again on the next run.
      ctx.log.warn(errorFields(error), 'refunds wait: the books could not be saved')
      return
    }
    const refund = getRefundRow(ctx.db, listed.id)
    if (refund?.status === 'pending' || refund?.status === 'processing') await sendRefund(ctx, refund)
  }
}

/**
 * Sends one refund now, once it is on disk (a merchant refund, so the counter sees the wallet's answer). The sweep
 * may send it at the same moment: the refund id is the wallet's out_refund_no, so that refunds nothing twice.
 */
export async function sendRefundNow(ctx: PaymentContext, id: string): Promise<void> {
  await ctx.events.durable(ctx.events.mark())
  const refund = getRefundRow(ctx.db, id)
  if (refund?.status === 'pending') await sendRefund(ctx, refund)
}

async function sendRefund(ctx: PaymentContext, refund: RefundRow): Promise<void> {
  const attempt = requireAttempt(ctx, refund.attempt_id)
  try {
    const provider = providerFor(ctx, attempt)
    // A refund the wallet has accepted is asked about, not sent again.
    const result =
      refund.status === 'processing'
        ? await provider.queryRefund(refund.id, attempt.id)
        : await provider.refund({
            outTradeNo: attempt.id,
            outRefundNo: refund.id,
            amountFen: refund.amount_fen,
            totalFen: refund.reason.startsWith('amount_mismatch') ? refund.amount_fen : attempt.amount_fen,
            reason: refund.reason,
          })
    recordRefundResult(ctx, refund, result)
  } catch (error) {
    const code = error instanceof EngineError ? error.code : 'PROVIDER_ERROR'
    ctx.log.warn({ refundId: refund.id, ...errorFields(error) }, 'refund not accepted yet; it will be retried')
    ctx.events.unitOfWork(() => recordRefundTry(ctx.db, refund.id, code, ctx.clock.now()))
  }
}

function recordRefundResult(ctx: PaymentContext, refund: RefundRow, result: ProviderRefund): void {
  const now = ctx.clock.now()
  if (result.state === 'PROCESSING') {
    ctx.events.unitOfWork(() => {
      if (refund.status === 'processing') recordRefundTry(ctx.db, refund.id, null, now)
      else if (markRefundProcessing(ctx.db, refund.id, result.providerRefundNo ?? refund.id, now)) {
        ctx.events.append({ type: 'refund.processing', ...refundEventIds(refund), data: refundEventData(refund) })
      }
    })
    return
  }
  const to = result.state === 'SUCCESS' ? 'succeeded' : 'failed'
  ctx.events.unitOfWork(() => {
    recordRefundTry(ctx.db, refund.id, to === 'failed' ? result.state : null, now)
    endRefund(ctx, refund, to, result.providerRefundNo, now, result.state)
  })
}

/**
 * A refund's end, inside the caller's unit of work: a merchant refund that succeeded counts on its order. Returns
 * false when it had already ended (another call settled it first).
 */
export function endRefund(
  ctx: PaymentContext,
  refund: RefundRow,
  to: 'succeeded' | 'failed',
  providerRefundNo: string | null,
  now: number,
  state?: string,
): boolean {
  if (!finishRefund(ctx.db, refund.id, to, providerRefundNo, now)) return false
  if (to === 'succeeded') {
    if (refund.kind === 'merchant') addRefundedToOrder(ctx.db, refund.order_id, refund.amount_fen, now)
    ctx.events.append({ type: 'refund.succeeded', ...refundEventIds(refund), data: refundEventData(refund) })
  } else {
    ctx.events.append({ type: 'refund.failed', ...refundEventIds(refund), data: { ...refundEventData(refund), state } })
  }
  return true
}

function refundEventIds(refund: RefundRow) {
  return { orderId: refund.order_id, attemptId: refund.attempt_id }
}

function refundEventData(refund: RefundRow) {
  return { refundId: refund.id, amountFen: refund.amount_fen, wallet: refund.wallet }
}

/** Refund calls back off after each try: 2 s, 4 s, 8 s … up to 10 minutes between tries. */
function refundDue(refund: { tries: number; updated_at: number }, now: number): boolean {
  if (refund.tries === 0) return true
  const wait = Math.min(2000 * 2 ** (refund.tries - 1), 10 * 60_000)
  return now - refund.updated_at >= wait
}

/**
 * A manager's second try at a refund the wallet closed: a new refund of the same payment, under a new refund
 * number. Refused while another refund of the payment is under way or done, and for ABNORMAL refunds.
 */
export function retryRefund(ctx: PaymentContext, id: string): RefundView {
  const failed = getRefundRow(ctx.db, id)
  if (!failed) throw new EngineError('NOT_FOUND', `no refund ${id}`)
  if (failed.status !== 'failed') throw new EngineError('INVALID_STATE', `refund ${id} is ${failed.status}`)
  if (failed.last_error === 'ABNORMAL') {
    // The money has left the merchant but could not reach the customer: the wallet's merchant platform
    // settles it (e.g. to another account); a second refund would pay twice.
    throw new EngineError(
      'INVALID_STATE',
      'the wallet holds this refund as abnormal: settle it in its merchant platform',
    )
  }
  const retryId = ctx.events.unitOfWork(() => {
    // A merchant refund's second try only has to stay within the payment (the database holds that line).
    if (failed.kind === 'automatic' && hasLiveRefund(ctx.db, failed.attempt_id)) {
      throw new EngineError('INVALID_STATE', 'this payment already has a refund under way or done')
    }
    const retry = queueRefund(ctx, { kind: 'retry', of: failed }, ctx.clock.now())
    appendAudit(ctx.db, {
      entity: 'refund',
      entityId: failed.id,
      before: { status: failed.status, lastError: failed.last_error },
      after: { retriedAs: retry, amountFen: failed.amount_fen },
      at: ctx.clock.now(),
    })
    return retry
  })
  startRefunds(ctx)
  return refundView(present(getRefundRow(ctx.db, present(retryId, 'retry refund id')), 'retry refund'))
}
