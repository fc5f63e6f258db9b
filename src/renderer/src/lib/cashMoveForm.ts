import { EngineError } from '../../../shared/errors'
import { formatFen, isFen, MAX_AMOUNT_FEN, parseYuanToFen } from '../../../shared/money'
import {
  cashMoveReasons,
  type CashDirection,
  type CashInReason,
  type CashMoveReason,
  type CashOutReason,
} from './cashCount'
import type { MessageRef } from './errorText'

/** What the cashier typed in the 存入 / 取出 dialog. */
export interface CashMoveDraft {
  amountText: string
  reason: CashMoveReason | null
  note: string
}

export type CashMoveProblem = 'amountInvalid' | 'reasonRequired' | 'noteRequired' | 'noteTooLong'
export type CashMoveField = 'amount' | 'reason' | 'note'

export const CASH_MOVE_NOTE_MAX = 200

/** As shifts.moveCash takes it (with the shift's id): each direction has its own reasons. */
export type CashMoveRequest =
  | { direction: 'in'; amountFen: number; reason: CashInReason; note?: string }
  | { direction: 'out'; amountFen: number; reason: CashOutReason; note?: string }

/** Yuan typed for a drawer amount (a float, a count), as fen; null unless it is a plain amount within range. */
export function drawerAmountFen(text: string, options: { allowZero: boolean }): number | null {
  const fen = parseYuanToFen(text)
  if (fen === null || fen > MAX_AMOUNT_FEN) return null
  return fen === 0 && !options.allowZero ? null : fen
}

/** The request to send, or what is wrong with the draft field by field ("其他" needs a note saying what). */
export function checkCashMove(
  direction: CashDirection,
  draft: CashMoveDraft,
): { ok: true; request: CashMoveRequest } | { ok: false; problems: Partial<Record<CashMoveField, CashMoveProblem>> } {
  const problems: Partial<Record<CashMoveField, CashMoveProblem>> = {}
  const amountFen = drawerAmountFen(draft.amountText, { allowZero: false })
  const note = draft.note.trim()
  if (amountFen === null) problems.amount = 'amountInvalid'
  const reason = draft.reason !== null && cashMoveReasons(direction).includes(draft.reason) ? draft.reason : null
  if (reason === null) problems.reason = 'reasonRequired'
  if (note.length > CASH_MOVE_NOTE_MAX) problems.note = 'noteTooLong'
  else if (reason === 'other' && note === '') problems.note = 'noteRequired'
  if (amountFen === null || reason === null || Object.keys(problems).length > 0) return { ok: false, problems }
  const extra = note ? { note } : {}
  const request: CashMoveRequest =
    direction === 'in'
      ? { direction, amountFen, reason: reason as CashInReason, ...extra }
      : { direction, amountFen, reason: reason as CashOutReason, ...extra }
  return { ok: true, request }
}

/** The engine's refusal to take out more than the drawer holds, in words with what it holds; null for others. */
export function cashMoveRefusal(error: unknown): MessageRef | null {
  if (!(error instanceof EngineError) || error.code !== 'INVALID_STATE') return null
  const { expectedFen } = (error.details ?? {}) as { expectedFen?: unknown }
  return isFen(expectedFen) ? { key: 'shift.cash.drawerShort', params: { amount: formatFen(expectedFen) } } : null
}
