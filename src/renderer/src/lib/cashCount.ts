import { formatFen } from '../../../shared/money'
import { CASH_IN_REASONS, CASH_OUT_REASONS } from '../../../shared/api/shiftSchemas'
import type { MessageRef } from './errorText'

/** How a counted drawer compares with what it should hold. */
export type CountVerdict = 'even' | 'over' | 'short'

export function countVerdict(differenceFen: number): CountVerdict {
  return differenceFen === 0 ? 'even' : differenceFen > 0 ? 'over' : 'short'
}

/** The difference in words: 长款 (more cash than expected), 短款 (less), or 相符. */
export function differenceMessage(differenceFen: number): MessageRef {
  const verdict = countVerdict(differenceFen)
  return verdict === 'even'
    ? { key: 'shift.difference.even' }
    : { key: `shift.difference.${verdict}`, params: { amount: formatFen(Math.abs(differenceFen)) } }
}

/** "+¥1.50", "-¥1.50", "¥0.00": a difference with its direction always visible. */
export function formatSignedFen(fen: number): string {
  return fen > 0 ? `+${formatFen(fen)}` : formatFen(fen)
}

/**
 * Whether closing with this difference needs a manager's PIN: the engine asks it of cashiers whose count is off by
 * more than the owner's limit. Null limit: not known yet (the engine will say).
 */
export function closeNeedsApproval(differenceFen: number, limitFen: number | null, isCashier: boolean): boolean {
  return isCashier && limitFen !== null && Math.abs(differenceFen) > limitFen
}

export type CashDirection = 'in' | 'out'
export type CashInReason = (typeof CASH_IN_REASONS)[number]
export type CashOutReason = (typeof CASH_OUT_REASONS)[number]
export type CashMoveReason = CashInReason | CashOutReason

export function cashMoveReasons(direction: CashDirection): readonly CashMoveReason[] {
  return direction === 'in' ? CASH_IN_REASONS : CASH_OUT_REASONS
}

/**
 * A movement's reason as the engine keeps it, "<reason>" or "<reason>: <note>", split back into the two; a reason
 * it does not know is kept whole as the note.
 */
export function splitMovementReason(text: string | null): { reason: CashMoveReason | null; note: string | null } {
  if (!text) return { reason: null, note: null }
  const at = text.indexOf(': ')
  const head = at === -1 ? text : text.slice(0, at)
  const known = [...CASH_IN_REASONS, ...CASH_OUT_REASONS] as readonly string[]
  if (!known.includes(head)) return { reason: null, note: text }
  return { reason: head as CashMoveReason, note: at === -1 ? null : text.slice(at + 2) || null }
}
