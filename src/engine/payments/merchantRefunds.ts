import { present } from '../../shared/assert'
import { EngineError } from '../../shared/errors'
import type { OperationParsedInput } from '../../shared/api/operations'
import { WALLETS } from '../../shared/wallets'
import { getWalletConfig } from '../config/wallets'
import { getOrderLines, type OrderRow } from '../orders/queries'
import { businessDayStart } from '../time'
import { requireAttempt, requireOrder, type PaymentContext } from './context'
import type { AttemptRow } from './queries'
import {
  getRefundRow,
  insertMerchantRefund,
  listRefundRows,
  refundsHeldAgainst,
  refundView,
  returnedLines,
  type RefundedLine,
  type RefundView,
} from './refundQueries'
import { endRefund, sendRefundNow } from './refunds'

type RefundInput = OperationParsedInput<'refunds.create'>
const DAY_MS = 24 * 3600_000

/** Who asks for a refund and who approved it (a manager's PIN above a cashier's limit). */
export interface RefundAuthority {
  staffId: string | null
  approvedBy: string | null
}

/**
 * A merchant refund, back to the payment that paid the order. Its amount is worked out first so that `authorize`
 * can ask for a manager's approval; then it is recorded (checked again, with the payment's refunds kept within what
 * it took) in one unit of work and sent to the wallet at once; a cash refund is paid out of the drawer there and
 * then. The answer carries the wallet's first word; what is still under way is followed up by the refund sweep.
 */
export async function createMerchantRefund(
  ctx: PaymentContext,
  input: RefundInput,
  authorize: (amountFen: number) => Promise<RefundAuthority>,
): Promise<RefundView> {
  const authority = await authorize(refundPlan(ctx, input, ctx.clock.now()).amountFen)
  const id = ctx.events.unitOfWork(() => recordMerchantRefund(ctx, input, authority, ctx.clock.now()))
  await sendRefundNow(ctx, id)
  return refundView(present(getRefundRow(ctx.db, id), 'the refund just recorded'))
}

interface RefundPlan {
  order: OrderRow
  attempt: AttemptRow
  lines: RefundedLine[]
  amountFen: number
}

function refundPlan(ctx: PaymentContext, input: RefundInput, now: number): RefundPlan {
  const order = requireOrder(ctx, input.id)
  const attempt = paidAttemptOf(ctx, order)
  requireWindowOpen(ctx, attempt, now)
  const left = attempt.amount_fen - refundsHeldAgainst(ctx.db, attempt.id)
  if (left <= 0) {
    throw new EngineError('REFUND_EXCEEDS_PAID', 'everything this order took has been refunded', {
      refundableFen: 0,
    })
  }
  const lines = input.lines ? linesToReturn(ctx, order, input.lines) : []
  const amountFen = input.amountFen ?? (lines.length > 0 ? sumFen(lines) : left)
  if (amountFen > left) {
    throw new EngineError('REFUND_EXCEEDS_PAID', `at most ${left} fen of this order can still be refunded`, {
      refundableFen: left,
    })
  }
  return { order, attempt, lines, amountFen }
}

function recordMerchantRefund(
  ctx: PaymentContext,
  input: RefundInput,
  authority: RefundAuthority,
  now: number,
): string {
  const { order, attempt, lines, amountFen } = refundPlan(ctx, input, now)
  const id = ctx.newId('rfd')
  const { staffId } = authority
  insertMerchantRefund(
    ctx.db,
    {
      ...{ id, orderId: order.id, attemptId: attempt.id, wallet: attempt.wallet, amountFen, reason: input.reason },
      ...{ note: input.note ?? null, lines, staffId, approvedBy: authority.approvedBy },
    },
    now,
  )
  ctx.events.append({
    type: 'refund.created',
    orderId: order.id,
    attemptId: attempt.id,
    data: { refundId: id, amountFen, reason: input.reason, kind: 'merchant', staffId },
  })
  if (attempt.method === 'cash') {
    endRefund(ctx, present(getRefundRow(ctx.db, id), 'the cash refund'), 'succeeded', null, now)
  }
  return id
}

function paidAttemptOf(ctx: PaymentContext, order: OrderRow): AttemptRow {
  if (order.status !== 'paid' || order.paid_attempt_id === null) {
    throw new EngineError('ORDER_NOT_REFUNDABLE', `order ${order.id} is ${order.status}: only a paid order is refunded`)
  }
  return requireAttempt(ctx, order.paid_attempt_id)
}

/** A wallet takes refunds for so long after the payment; the merchant may keep a shorter window. */
function requireWindowOpen(ctx: PaymentContext, attempt: AttemptRow, now: number): void {
  const days = refundWindowDays(ctx, attempt)
  if (days === null) return
  const paidAt = attempt.succeeded_at ?? attempt.created_at
  // Counted in business days, as a merchant reads "within 365 days".
  if (businessDayStart(now) - businessDayStart(paidAt) >= days * DAY_MS) {
    throw new EngineError(
      'REFUND_WINDOW_CLOSED',
      `${attempt.wallet} takes refunds for ${days} days after the payment`,
      {
        days,
        paidAt: new Date(paidAt).toISOString(),
      },
    )
  }
}

function refundWindowDays(ctx: PaymentContext, attempt: AttemptRow): number | null {
  const walletLimit = WALLETS[attempt.wallet].refundWindowDays
  const chosen = getWalletConfig(ctx.db, attempt.wallet).refundWindowDays
  if (chosen === null) return walletLimit
  return walletLimit === null ? chosen : Math.min(chosen, walletLimit)
}

/** The returned lines, each within what was sold less what earlier refunds took back. */
function linesToReturn(
  ctx: PaymentContext,
  order: OrderRow,
  wanted: NonNullable<RefundInput['lines']>,
): RefundedLine[] {
  const sold = new Map(getOrderLines(ctx.db, order.id).map((line) => [line.id, line]))
  const back = new Map<string, number>()
  for (const line of returnedLines(ctx.db, order.id))
    back.set(line.lineId, (back.get(line.lineId) ?? 0) + line.quantity)
  return wanted.map(({ lineId, quantity }) => {
    const line = sold.get(lineId)
    if (!line) throw new EngineError('VALIDATION_FAILED', `order ${order.id} has no line ${lineId}`, { lineId })
    const left = line.quantity - (back.get(lineId) ?? 0)
    if (quantity > left) {
      throw new EngineError('REFUND_EXCEEDS_PAID', `only ${left} of line ${lineId} can still be returned`, {
        lineId,
        quantityLeft: left,
      })
    }
    return { lineId, quantity, amountFen: line.unitPriceFen * quantity }
  })
}

function sumFen(lines: RefundedLine[]): number {
  return lines.reduce((total, line) => total + line.amountFen, 0)
}

export function getRefund(ctx: PaymentContext, id: string): RefundView {
  const row = getRefundRow(ctx.db, id)
  if (!row) throw new EngineError('NOT_FOUND', `no refund ${id}`)
  return refundView(row)
}

/** Beijing calendar days: a `from` day starts at its midnight, a `to` day ends at the next. */
export function listRefunds(ctx: PaymentContext, input: OperationParsedInput<'refunds.list'>): RefundView[] {
  const from = input.from === undefined ? undefined : instantOf(input.from, 'start')
  const to = input.to === undefined ? undefined : instantOf(input.to, 'end')
  return listRefundRows(ctx.db, { orderId: input.orderId, status: input.status, from, to, limit: input.limit }).map(
    refundView,
  )
}

function instantOf(value: string, edge: 'start' | 'end'): number {
  if (value.length > 10) return Date.parse(value)
  const start = Date.parse(`${value}T00:00:00+08:00`)
  return edge === 'start' ? start : start + DAY_MS
}
