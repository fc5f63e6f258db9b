import { errorFields } from '../logger'
import { getOrderRow } from '../orders/queries'
import { CREATE_GRACE_MS, LATE_WATCH_MARGIN_MS, providerFor, type PaymentContext } from './context'
import { listClosedQrAttemptsWatched, listUnfinishedAttemptRows, type AttemptRow } from './queries'
import { applyTrade, closeAttempt } from './settle'
import { endIfUnreachableTooLong, followUpUnreachable } from './unreachable'
import { CHANNELS_AT_ONCE, channelOf, runByChannel } from './walletLanes'

/**
 * Queries every unfinished attempt at its wallet (the primary truth when no notification can reach
 * the shop), ends the expired ones, watches closed codes for late money, follows up payments ended while their
 * wallet was unreachable, and retries pending refunds. Each wallet channel is asked on its own (see walletLanes):
 * one gateway hanging does not delay the others.
 */
export async function sweepPayments(ctx: PaymentContext): Promise<void> {
  const now = ctx.clock.now()
  const due = listUnfinishedAttemptRows(ctx.db, 200).filter(
    (attempt) =>
      !(attempt.status === 'created' && now - attempt.created_at < CREATE_GRACE_MS) && dueForQuery(ctx, attempt, now),
  )
  await runByChannel(due, channelOf, CHANNELS_AT_ONCE, (attempt) => sweepAttempt(ctx, attempt, now))
  await watchClosedCodes(ctx, now)
  await followUpUnreachable(ctx, now)
  if (ctx.lastQueried.size > 10_000) ctx.lastQueried.clear()
  await ctx.processRefunds()
}

async function sweepAttempt(ctx: PaymentContext, attempt: AttemptRow, now: number): Promise<void> {
  if (ctx.stopping()) return
  const channel = channelOf(attempt)
  try {
    const ended = endedOrderReason(ctx, attempt)
    if (ctx.breakers.isOpen(channel, now)) {
      // The wallet keeps failing: not asked now; ended here once it is overdue, and followed up later.
      endIfUnreachableTooLong(ctx, attempt, now)
      return
    }
    ctx.lastQueried.set(attempt.id, now)
    if (ended) await closeAttempt(ctx, attempt, ended)
    else {
      const trade = await providerFor(ctx, attempt).query(attempt.id)
      if (attempt.status === 'created' && trade.state === 'NOT_FOUND')
        await closeAttempt(ctx, attempt, 'create_interrupted')
      else await applyTrade(ctx, attempt, trade)
    }
    ctx.breakers.succeeded(channel)
  } catch (error) {
    // One wallet failing must not stop the others; the next sweep asks again.
    ctx.breakers.failed(channel, now)
    ctx.log.warn({ attemptId: attempt.id, provider: attempt.provider, ...errorFields(error) }, 'sweep: query failed')
    endIfUnreachableTooLong(ctx, attempt, now)
  }
}

/**
 * Why a live attempt must close because its order can no longer be paid (paid another way, cancelled, expired),
 * or null. Closing the other codes of a paid order normally follows the payment at once; after a crash in
 * between, the sweep finds them here, still payable at their wallets.
 */
function endedOrderReason(ctx: PaymentContext, attempt: AttemptRow): string | null {
  const status = getOrderRow(ctx.db, attempt.order_id)?.status
  if (status === 'paid') return 'order_paid'
  if (status === 'cancelled') return 'order_cancelled'
  if (status === 'expired') return 'order_expired'
  return null
}

/**
 * A wallet may not be able to close a code nobody has scanned yet (Alipay): it stays payable until its
 * deadline. Closed codes are watched until shortly after it, and money that lands is refunded.
 */
async function watchClosedCodes(ctx: PaymentContext, now: number): Promise<void> {
  for (const attempt of listClosedQrAttemptsWatched(ctx.db, now, LATE_WATCH_MARGIN_MS)) {
    if (ctx.stopping()) return
    const last = ctx.lastQueried.get(attempt.id)
    if (last !== undefined && now - last < 10_000) continue
    ctx.lastQueried.set(attempt.id, now)
    try {
      const ended = endedOrderReason(ctx, attempt)
      if (ended) {
        await closeAttempt(ctx, attempt, ended)
        continue
      }
      const trade = await providerFor(ctx, attempt).query(attempt.id)
      if (trade.state === 'SUCCESS') await applyTrade(ctx, attempt, trade)
    } catch (error) {
      // Watched again on the next sweep until its margin has passed.
      ctx.log.warn({ attemptId: attempt.id, ...errorFields(error) }, 'sweep: watching a closed code failed')
    }
  }
}

/**
 * Polling starts fast and backs off, as the wallets ask: every 2 s for the first 30 s, every 5 s to two
 * minutes, every 15 s to ten, then every minute; an attempt past its deadline is always due.
 */
function dueForQuery(ctx: PaymentContext, attempt: AttemptRow, now: number): boolean {
  if (attempt.expires_at <= now) return true
  const last = ctx.lastQueried.get(attempt.id)
  if (last === undefined) return true
  const age = now - attempt.created_at
  const interval = age < 30_000 ? 2000 : age < 120_000 ? 5000 : age < 600_000 ? 15_000 : 60_000
  return now - last >= interval
}
