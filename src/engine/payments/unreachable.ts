import { EngineError } from '../../shared/errors'
import { prepared } from '../db/prepared'
import { errorFields } from '../logger'
import { isUnfinished, providerFor, requireAttempt, type PaymentContext } from './context'
import { transitionAttempt, type AttemptRow } from './queries'
import { applyTrade, reopenIfIdle } from './settle'
import { CHANNELS_AT_ONCE, channelOf, runByChannel } from './walletLanes'

/** How long past its deadline a payment whose wallet cannot be reached stays open before it is ended here. */
export const UNREACHABLE_GRACE_MS = 60_000

/**
 * A payment past its deadline whose wallet has not answered for a while: the cashier must not wait for the
 * wallet to come back. It ends `closed` (wallet_unreachable) here — the order can be paid another way — and is
 * followed up: once the wallet answers, it is closed or reversed there, or recorded and refunded if it was paid.
 */
export function endIfUnreachableTooLong(ctx: PaymentContext, attempt: AttemptRow, now: number): void {
  if (now < attempt.expires_at + UNREACHABLE_GRACE_MS) return
  ctx.events.unitOfWork(() => {
    const current = requireAttempt(ctx, attempt.id)
    if (!isUnfinished(current)) return
    if (!transitionAttempt(ctx.db, current.id, current.status, 'closed', now)) {
      throw new EngineError('CONCURRENT_UPDATE', 'the payment changed meanwhile')
    }
    prepared(ctx.db, 'INSERT OR IGNORE INTO unreachable_endings (attempt_id, ended_at) VALUES (?, ?)').run(
      current.id,
      now,
    )
    ctx.events.append({
      type: 'payment.closed',
      orderId: current.order_id,
      attemptId: current.id,
      data: { reason: 'wallet_unreachable' },
    })
    reopenIfIdle(ctx, current.order_id)
  })
  ctx.log.warn({ attemptId: attempt.id, provider: attempt.provider }, 'ended a payment whose wallet is unreachable')
}

/** Asks the wallets of payments ended while unreachable, channel by channel, skipping channels still failing. */
export async function followUpUnreachable(ctx: PaymentContext, now: number): Promise<void> {
  const attempts = prepared(
    ctx.db,
    `SELECT a.* FROM unreachable_endings u JOIN payment_attempts a ON a.id = u.attempt_id
       ORDER BY u.ended_at LIMIT 200`,
  ).all() as AttemptRow[]
  await runByChannel(attempts, channelOf, CHANNELS_AT_ONCE, async (attempt) => {
    const channel = channelOf(attempt)
    if (ctx.stopping() || ctx.breakers.isOpen(channel, now)) return
    try {
      await settleAtWallet(ctx, attempt)
      ctx.breakers.succeeded(channel)
    } catch (error) {
      ctx.breakers.failed(channel, now)
      ctx.log.warn({ attemptId: attempt.id, ...errorFields(error) }, 'follow-up: the wallet is still unreachable')
    }
  })
}

/** The wallet answers at last: money it took is recorded (and refunded if not needed); anything open is ended. */
async function settleAtWallet(ctx: PaymentContext, attempt: AttemptRow): Promise<void> {
  const provider = providerFor(ctx, attempt)
  let trade = await provider.query(attempt.id)
  if (trade.state === 'NOTPAY' || trade.state === 'USERPAYING') {
    trade = attempt.method === 'payment-code' ? await provider.reverse(attempt.id) : await provider.close(attempt.id)
  }
  if (trade.state === 'SUCCESS') await applyTrade(ctx, attempt, trade)
  ctx.events.unitOfWork(() => {
    prepared(ctx.db, 'DELETE FROM unreachable_endings WHERE attempt_id = ?').run(attempt.id)
  })
}
