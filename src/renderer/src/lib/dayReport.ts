import type { MessageRef } from './errorText'

/** A share in basis points as a percentage with two decimals: 1234 → "12.34%". */
export function formatShareBp(bp: number): string {
  const sign = bp < 0 ? '-' : ''
  const abs = Math.abs(Math.trunc(bp))
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}%`
}

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/

function dayNumber(day: string): number | null {
  const match = DAY_PATTERN.exec(day)
  if (!match) return null
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / 86_400_000
}

/** Days from the business day to the money's settlement (0 for cash, 1 for T+1); null when a date does not read. */
export function settlementLagDays(day: string, settlementDate: string): number | null {
  const from = dayNumber(day)
  const to = dayNumber(settlementDate)
  return from === null || to === null ? null : to - from
}

/** The settlement as bookkeepers say it: 当日 for cash, T+n for wallets. */
export function settlementLabel(day: string, settlementDate: string): MessageRef {
  const lag = settlementLagDays(day, settlementDate)
  if (lag === null) return { key: 'day.settlement.date', params: { date: settlementDate } }
  if (lag === 0) return { key: 'day.settlement.sameDay', params: { date: settlementDate } }
  return { key: 'day.settlement.later', params: { date: settlementDate, n: lag } }
}

/** The checks books.verify runs (src/engine/ledger/verify.ts); each has its words. */
export const BOOKS_CHECKS = [
  'transaction_unbalanced',
  'balance_differs_from_entries',
  'order_sale_missing_or_wrong',
  'payment_entries_missing_or_wrong',
  'fee_entries_missing_or_wrong',
  'refund_entries_missing_or_wrong',
  'returned_money_not_taken_in',
  'order_refunds_differ_from_entries',
] as const

/** A problem the books check found, in words: which check failed, how often, and where to look first. */
export function booksProblemMessage(problem: { check: string; ids: string[]; count: number }): MessageRef {
  const known = (BOOKS_CHECKS as readonly string[]).includes(problem.check)
  return {
    key: known ? `books.problems.${problem.check}` : 'books.problems.unknown',
    params: { check: problem.check, count: problem.count, ids: problem.ids.slice(0, 3).join(', ') },
  }
}

export type DayStatusLabel = 'trading' | 'unclosed' | 'closed'

/** A day's state as the list says it: today still 营业中, an earlier day 未日结 until someone closes it, 已日结. */
export function dayStatusLabel(status: 'open' | 'closed', isToday: boolean): DayStatusLabel {
  if (status === 'closed') return 'closed'
  return isToday ? 'trading' : 'unclosed'
}

/** The chip colour for each state: trading is fine, an unclosed past day wants attention. */
export const DAY_STATUS_TONES: Record<DayStatusLabel, 'success' | 'waiting' | 'neutral'> = {
  trading: 'success',
  unclosed: 'waiting',
  closed: 'neutral',
}
