import { describe, expect, it } from 'vitest'
import { planRead } from '../../src/engine/reports/facts'
import { hourKey, isoWeek } from '../../src/engine/reports/range'
import { daysBetween } from '../../src/shared/api/reportSchemas'

const HOUR = 3600_000

describe('report buckets', () => {
  it('ISO weeks start on Monday; the first holds the first Thursday, so New Year may fall in week 53 or 1', () => {
    expect(isoWeek('2026-11-22')).toBe('2026-W47')
    expect(isoWeek('2026-11-23')).toBe('2026-W48')
    expect(isoWeek('2026-01-01')).toBe('2026-W01')
    expect(isoWeek('2027-01-01')).toBe('2026-W53')
    expect(isoWeek('2024-12-30')).toBe('2025-W01')
  })

  it('hours of the day are Beijing time', () => {
    expect(hourKey(Date.parse('2026-11-21T02:59:59Z'))).toBe('10:00')
    expect(hourKey(Date.parse('2026-11-21T16:00:00Z'))).toBe('00:00')
  })

  it('counts days between calendar dates, across a month and a leap day', () => {
    expect(daysBetween('2026-11-21', '2026-11-21')).toBe(0)
    expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2)
  })
})

describe('reading a range: whole hours from the sums, cut hours from the journal', () => {
  const start = Date.parse('2026-11-20T20:00:00Z')
  it('a range on whole hours reads only the sums', () => {
    expect(planRead({ start, end: start + 24 * HOUR }, [start + 10 * HOUR])).toEqual({
      whole: { start, end: start + 24 * HOUR },
      pieces: [],
    })
  })

  it('a day closed at 22:17 cuts its hour in two; the range ending now reads its last hour raw', () => {
    const cut = start + 18 * HOUR + 17 * 60_000
    const end = start + 30 * HOUR + 5 * 60_000
    const plan = planRead({ start, end }, [cut])
    expect(plan.whole).toEqual({ start, end: start + 30 * HOUR })
    expect(plan.pieces).toEqual([
      { start: start + 18 * HOUR, end: cut },
      { start: cut, end: start + 19 * HOUR },
      { start: start + 30 * HOUR, end },
    ])
  })
})
