import { describe, expect, it } from 'vitest'
import { formatCountdown, formatLongCountdown } from '../../../src/renderer/src/lib/countdown'

describe('countdown', () => {
  it('shows mm:ss, rounding partial seconds up and never going negative', () => {
    expect(formatCountdown(300_000)).toBe('05:00')
    expect(formatCountdown(299_001)).toBe('05:00')
    expect(formatCountdown(125_000)).toBe('02:05')
    expect(formatCountdown(1)).toBe('00:01')
    expect(formatCountdown(0)).toBe('00:00')
    expect(formatCountdown(-5000)).toBe('00:00')
    expect(formatCountdown(4_500_000)).toBe('75:00')
  })

  it('shows hours when there are any', () => {
    expect(formatLongCountdown(7_200_000)).toBe('2:00:00')
    expect(formatLongCountdown(3_661_000)).toBe('1:01:01')
    expect(formatLongCountdown(59_000)).toBe('00:59')
  })
})
