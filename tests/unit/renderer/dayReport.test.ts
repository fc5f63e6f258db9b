import { describe, expect, it } from 'vitest'
import {
  BOOKS_CHECKS,
  booksProblemMessage,
  dayStatusLabel,
  formatShareBp,
  settlementLabel,
  settlementLagDays,
} from '../../../src/renderer/src/lib/dayReport'

describe('a day report in words', () => {
  it('shows a share in basis points as a percentage, without floating point', () => {
    expect(formatShareBp(0)).toBe('0.00%')
    expect(formatShareBp(1234)).toBe('12.34%')
    expect(formatShareBp(5)).toBe('0.05%')
    expect(formatShareBp(10_000)).toBe('100.00%')
  })

  it('says when the money settles: the same day for cash, T+n for wallets, across months and years', () => {
    expect(settlementLagDays('2026-01-31', '2026-02-01')).toBe(1)
    expect(settlementLagDays('2026-12-31', '2027-01-01')).toBe(1)
    expect(settlementLagDays('2024-02-28', '2024-03-01')).toBe(2)
    expect(settlementLabel('2026-05-01', '2026-05-01')).toEqual({
      key: 'day.settlement.sameDay',
      params: { date: '2026-05-01' },
    })
    expect(settlementLabel('2026-05-01', '2026-05-02')).toEqual({
      key: 'day.settlement.later',
      params: { date: '2026-05-02', n: 1 },
    })
    expect(settlementLabel('2026-05-01', 'soon')).toEqual({ key: 'day.settlement.date', params: { date: 'soon' } })
  })

  it('calls a day still open today trading, an earlier one not closed', () => {
    expect(dayStatusLabel('open', true)).toBe('trading')
    expect(dayStatusLabel('open', false)).toBe('unclosed')
    expect(dayStatusLabel('closed', true)).toBe('closed')
    expect(dayStatusLabel('closed', false)).toBe('closed')
  })

  it('names each books problem by its check, with the count and the first few ids', () => {
    expect(
      booksProblemMessage({ check: 'refund_entries_missing_or_wrong', ids: ['r1', 'r2', 'r3', 'r4'], count: 4 }),
    ).toEqual({
      key: 'books.problems.refund_entries_missing_or_wrong',
      params: { check: 'refund_entries_missing_or_wrong', count: 4, ids: 'r1, r2, r3' },
    })
    expect(booksProblemMessage({ check: 'a_new_check', ids: [], count: 2 }).key).toBe('books.problems.unknown')
    for (const check of BOOKS_CHECKS) {
      expect(booksProblemMessage({ check, ids: ['x'], count: 1 }).key).toBe(`books.problems.${check}`)
    }
  })
})
