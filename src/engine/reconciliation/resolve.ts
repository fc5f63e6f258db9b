import type { DiscrepancyAction } from '../../shared/api/reconciliationSchemas'
import { EngineError } from '../../shared/errors'
import { appendAudit } from '../config/audit'
import { prepared } from '../db/prepared'
import { getAttemptRow } from '../payments/queries'
import { getRefundRow } from '../payments/refundQueries'
import type { PaymentService } from '../payments/service'
import type { ProviderTrade } from '../providers/types'
import { actorOf, type Principal } from '../staff/principal'
import { getDiscrepancyRow, noteDiscrepancy, refreshRunStatus, settleDiscrepancy, type DiscrepancyRow } from './queries'
import type { ReconciliationContext } from './service'
import { requireRun } from './service'
import { describeDiscrepancy, type Lang } from './words'

export interface ResolveInput {
  id: string
  action: DiscrepancyAction
  note?: string
  lang: Lang
}

type Outcome = { settled: true; note: string } | { settled: false; note: string }

/**
 * Acts on one open discrepancy. Nothing here moves money by itself: `query` and `refund` ask the wallet and let
 * the payment and refund state machines record what it says (a payment the order no longer needs is refunded by
 * them); the discrepancy is settled only when the books then agree. Every action is audited.
 */
export async function resolveDiscrepancy(
  ctx: ReconciliationContext & { payments: PaymentService },
  principal: Principal,
  input: ResolveInput,
): Promise<DiscrepancyRow> {
  const row = requireOpen(ctx, input)
  const offered = describeDiscrepancy(row, walletOf(ctx, row), input.lang).actions
  if (!offered.includes(input.action)) {
    throw new EngineError('INVALID_STATE', `${input.action} is not offered for this discrepancy`, { offered })
  }
  const outcome =
    input.action === 'explain'
      ? explained(input.note)
      : await checkWithWallet(ctx, row, input.action).catch((error: unknown) => failedCheck(error))
  return ctx.events.unitOfWork(() => {
    const now = ctx.clock.now()
    const by = actorOf(principal).staffId
    const note = input.note?.trim() ? `${input.note.trim()} — ${outcome.note}` : outcome.note
    const status = input.action === 'explain' ? 'explained' : 'resolved'
    if (outcome.settled) {
      if (
        !settleDiscrepancy(ctx.db, {
          id: row.id,
          status,
          note: input.action === 'explain' ? outcome.note : note,
          at: now,
          by,
        })
      ) {
        throw new EngineError('CONCURRENT_UPDATE', 'the discrepancy was settled meanwhile')
      }
      refreshRunStatus(ctx.db, row.run_id, now)
    } else noteDiscrepancy(ctx.db, row.id, note)
    appendAudit(ctx.db, {
      entity: 'discrepancy',
      entityId: row.id,
      before: { status: 'open' },
      after: { action: input.action, status: outcome.settled ? status : 'open', note: outcome.note },
      at: now,
    })
    return getDiscrepancyRow(ctx.db, row.id) ?? row
  })
}

function requireOpen(ctx: ReconciliationContext, input: ResolveInput): DiscrepancyRow {
  const row = getDiscrepancyRow(ctx.db, input.id)
  if (!row) throw new EngineError('DISCREPANCY_NOT_FOUND', `no discrepancy ${input.id}`)
  if (row.status !== 'open') throw new EngineError('INVALID_STATE', `the discrepancy is already ${row.status}`)
  return row
}

function walletOf(ctx: ReconciliationContext, row: DiscrepancyRow): 'wechat' | 'alipay' {
  return requireRun(ctx.db, row.run_id).wallet as 'wechat' | 'alipay'
}

function explained(note: string | undefined): Outcome {
  const text = note?.trim() ?? ''
  if (text === '') throw new EngineError('VALIDATION_FAILED', 'an explanation needs a note')
  return { settled: true, note: text }
}

function failedCheck(error: unknown): Outcome {
  const code = error instanceof EngineError ? error.code : 'PROVIDER_ERROR'
  return { settled: false, note: `query failed: ${code}` }
}

async function checkWithWallet(
  ctx: ReconciliationContext & { payments: PaymentService },
  row: DiscrepancyRow,
  action: 'query' | 'refund',
): Promise<Outcome> {
  if (row.subject === 'refund') return checkRefund(ctx, row)
  const id = row.out_trade_no ?? ''
  const trade = await ctx.payments.reconcileAttempt(id).catch((error: unknown) => {
    // A refused amount is recorded by the state machine (and refunded); what the wallet says is read below.
    if (error instanceof EngineError && error.code === 'NOTIFICATION_REJECTED') return null
    throw error
  })
  const attempt = getAttemptRow(ctx.db, id)
  if (action === 'refund') return refundOutcome(ctx, id)
  if (row.kind === 'missing_here') {
    return attempt?.status === 'succeeded'
      ? { settled: true, note: 'recorded as paid' }
      : { settled: false, note: `the wallet says ${trade?.state ?? 'the amount differs'}` }
  }
  return walletAgrees(row, trade)
}

/** Missing at the wallet or a different amount: settled when the wallet, asked now, says what our books say. */
function walletAgrees(row: DiscrepancyRow, trade: ProviderTrade | null): Outcome {
  if (trade?.state === 'SUCCESS' && trade.amountFen === row.ours_fen) {
    return { settled: true, note: 'the wallet confirms the payment as recorded here' }
  }
  return {
    settled: false,
    note: `the wallet says ${trade?.state ?? 'the amount differs'} (${trade?.amountFen ?? '-'} fen)`,
  }
}

function refundOutcome(ctx: ReconciliationContext, attemptId: string): Outcome {
  const refund = prepared(
    ctx.db,
    `SELECT id FROM refunds WHERE attempt_id = ? AND kind = 'automatic' ORDER BY created_at DESC LIMIT 1`,
  ).get(attemptId) as { id: string } | undefined
  return refund
    ? { settled: true, note: `refund ${refund.id} returns the money to the customer` }
    : { settled: false, note: 'the wallet does not report the payment as paid' }
}

async function checkRefund(
  ctx: ReconciliationContext & { payments: PaymentService },
  row: DiscrepancyRow,
): Promise<Outcome> {
  const id = row.out_refund_no ?? ''
  const refund = getRefundRow(ctx.db, id)
  if (!refund) return { settled: false, note: 'no such refund here' }
  if (refund.status !== 'succeeded') {
    await ctx.payments.settleRefundNow(id)
    const after = getRefundRow(ctx.db, id)
    return after?.status === 'succeeded'
      ? { settled: true, note: 'the wallet confirms the refund' }
      : { settled: false, note: `the refund is ${after?.status ?? 'unknown'} here` }
  }
  // Refunded here, absent from the bill or for another amount: the wallet, asked now, decides.
  const attempt = getAttemptRow(ctx.db, refund.attempt_id)
  const provider = attempt ? ctx.providers.byKey(attempt.provider) : null
  if (!attempt || !provider) return { settled: false, note: 'the wallet of this refund is not configured' }
  const answer = await provider.queryRefund(id, attempt.id)
  return answer.state === 'SUCCESS' && answer.amountFen === refund.amount_fen
    ? { settled: true, note: 'the wallet confirms the refund as recorded here' }
    : { settled: false, note: `the wallet says ${answer.state} (${answer.amountFen} fen)` }
}
