import { describe, expect, it } from 'vitest'
import { changeTone, formatChangeBp, presetRange, presetsOf } from '../../../src/renderer/src/lib/reportRange'

describe('report range presets', () => {
  it('count from today: this week from Monday, last month whole, the last 30 days with today', () => {
    // 2026-11-25 is a Wednesday.
    expect(presetRange('today', '2026-11-25')).toEqual({ from: '2026-11-25', to: '2026-11-25' })
    expect(presetRange('yesterday', '2026-11-25')).toEqual({ from: '2026-11-24', to: '2026-11-24' })
    expect(presetRange('thisWeek', '2026-11-25')).toEqual({ from: '2026-11-23', to: '2026-11-25' })
    expect(presetRange('thisWeek', '2026-11-29')).toEqual({ from: '2026-11-23', to: '2026-11-29' })
    expect(presetRange('thisMonth', '2026-11-25')).toEqual({ from: '2026-11-01', to: '2026-11-25' })
    expect(presetRange('lastMonth', '2026-01-10')).toEqual({ from: '2025-12-01', to: '2025-12-31' })
    expect(presetRange('lastMonth', '2028-03-31')).toEqual({ from: '2028-02-01', to: '2028-02-29' })
    expect(presetRange('last30', '2026-11-25')).toEqual({ from: '2026-10-27', to: '2026-11-25' })
  })

  it('a range may be two presets at once', () => {
    expect(presetsOf({ from: '2026-11-01', to: '2026-11-30' }, '2026-11-30')).toEqual(['thisMonth', 'last30'])
    expect(presetsOf({ from: '2026-11-02', to: '2026-11-30' }, '2026-11-30')).toEqual([])
  })
})

describe('changes against the previous period', () => {
  it('read as signed percentages, good or bad news by the figure', () => {
    expect(formatChangeBp(1234)).toBe('+12.34%')
    expect(formatChangeBp(-500)).toBe('−5.00%')
    expect(formatChangeBp(0)).toBe('0.00%')
    expect(formatChangeBp(null)).toBeNull()
    expect(changeTone(100, true)).toBe('up-good')
    expect(changeTone(100, false)).toBe('up-bad')
    expect(changeTone(-100, false)).toBe('down-good')
    expect(changeTone(null, true)).toBe('flat')
  })
})
