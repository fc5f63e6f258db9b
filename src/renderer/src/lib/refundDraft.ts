import type { OperationInput } from '../../../shared/api/operations'
import type { OrderDetail, Refund } from '../../../shared/api/types'
import { fenToYuanString, multiplyFen, parseYuanToFen } from '../../../shared/money'
import { REFUND_NOTE_MAX, type RefundReason } from '../../../shared/refunds'

export type RefundRequest = OperationInput<'refunds.create'>
export type RefundMode = 'amount' | 'lines'

/** What the cashier has filled in so far. */
export interface RefundDraft {
  mode: RefundMode
  /** Yuan, as typed. */
  amountText: string
  /** How many of each order line come back, by line id. */
  quantities: Record<string, number>
  reason: RefundReason | null
  note: string
}

export interface ReturnableLine {
  id: string
  name: string
  unitPriceFen: number
  sold: number
  returned: number
  /** Sold less what earlier refunds took back: the most this refund may take. */
  left: number
}

export type DraftField = 'amount' | 'lines' | 'reason' | 'note'
/** Message keys under `refunds.dialog`. */
export type DraftProblem = 'amountInvalid' | 'nothingChosen' | 'reasonRequired' | 'noteRequired'

export type DraftCheck =
  | { ok: true; amountFen: number; request: RefundRequest }
  | { ok: false; problems: Partial<Record<DraftField, DraftProblem>> }

/**
 * Whether a refund still holds what it took: all but those the wallet refused. A refusal read as ABNORMAL may yet
 * have paid out, so it keeps holding (the engine counts the same way).
 */
export function refundHolds(refund: Refund): boolean {
  return refund.status !== 'failed' || refund.lastError === 'ABNORMAL'
}

export function returnableLines(order: OrderDetail): ReturnableLine[] {
  const returned = new Map<string, number>()
  for (const refund of order.refunds.filter(refundHolds)) {
    for (const line of refund.lines) returned.set(line.lineId, (returned.get(line.lineId) ?? 0) + line.quantity)
  }
  return order.lines.map((line) => {
    const back = returned.get(line.id) ?? 0
    return {
      id: line.id,
      name: line.name,
      unitPriceFen: line.unitPriceFen,
      sold: line.quantity,
      returned: back,
      left: Math.max(0, line.quantity - back),
    }
  })
}

export function emptyDraft(order: OrderDetail): RefundDraft {
  return { mode: 'amount', amountText: fenToYuanString(order.refundableFen), quantities: {}, reason: null, note: '' }
}

/** What the chosen lines are worth, at the prices they were sold for. */
export function linesFen(lines: readonly ReturnableLine[], quantities: Record<string, number>): number {
  return lines.reduce((total, line) => total + multiplyFen(line.unitPriceFen, quantities[line.id] ?? 0), 0)
}

/**
 * The money this draft gives back: the typed amount, or the chosen lines' worth — capped at what is left when
 * earlier refunds by amount already gave part of it back. Null when the typed amount is not an amount.
 */
export function draftAmountFen(order: OrderDetail, draft: RefundDraft): number | null {
  if (draft.mode === 'amount') return parseYuanToFen(draft.amountText)
  return Math.min(linesFen(returnableLines(order), draft.quantities), order.refundableFen)
}

/** The request a complete draft makes, or what is missing from it. */
export function checkDraft(order: OrderDetail, draft: RefundDraft): DraftCheck {
  const problems: Partial<Record<DraftField, DraftProblem>> = {}
  const amountFen = draftAmountFen(order, draft)
  const lines = returnableLines(order)
    .map((line) => ({ lineId: line.id, quantity: Math.min(draft.quantities[line.id] ?? 0, line.left) }))
    .filter((line) => line.quantity > 0)
  if (draft.mode === 'lines' && lines.length === 0) problems.lines = 'nothingChosen'
  else if (amountFen === null || amountFen <= 0 || amountFen > order.refundableFen) problems.amount = 'amountInvalid'
  if (draft.reason === null) problems.reason = 'reasonRequired'
  const note = draft.note.trim().slice(0, REFUND_NOTE_MAX)
  if (draft.reason === 'other' && note === '') problems.note = 'noteRequired'
  if (Object.keys(problems).length > 0 || amountFen === null || draft.reason === null) return { ok: false, problems }
  const request: RefundRequest = { id: order.id, amountFen, reason: draft.reason }
  if (draft.mode === 'lines') request.lines = lines
  if (note !== '') request.note = note
  return { ok: true, amountFen, request }
}

/** The words (a key under `refunds.dialog`) for what became of a refund the engine took. */
export function refundResultKey(refund: Refund): string {
  if (refund.status === 'succeeded') return refund.wallet === 'cash' ? 'resultCash' : 'resultSucceeded'
  if (refund.status === 'processing') return 'resultProcessing'
  if (refund.status === 'pending') return 'resultPending'
  return 'resultFailed'
}

/** The lines a refund takes back, by name: "茶叶蛋 × 1 · 豆浆 × 2". */
export function returnedLinesText(
  order: Pick<OrderDetail, 'lines'>,
  lines: readonly { lineId: string; quantity: number }[],
): string {
  const names = new Map(order.lines.map((line) => [line.id, line.name]))
  return lines.map((line) => `${names.get(line.lineId) ?? line.lineId} × ${line.quantity}`).join(' · ')
}
