import { describe, expect, it } from 'vitest'
import {
  formatBpAsPercent,
  parseDigitPrefixList,
  parseIntegerList,
  parsePercentToBp,
} from '../../../src/renderer/src/lib/rates'

describe('fee rates as percentages', () => {
  it('parse percent text to integer basis points without floating point', () => {
    expect(parsePercentToBp('0.6')).toBe(60)
    expect(parsePercentToBp('0.60')).toBe(60)
    expect(parsePercentToBp('0.38')).toBe(38)
    expect(parsePercentToBp('1')).toBe(100)
    expect(parsePercentToBp('1.')).toBe(100)
    expect(parsePercentToBp(' 2.5 % ')).toBe(250)
    expect(parsePercentToBp('0.07')).toBe(7)
    expect(parsePercentToBp('100')).toBe(10_000)
    // 0.29 × 100 is 28.999… in floating point; the digits give 29.
    expect(parsePercentToBp('0.29')).toBe(29)
    expect(parsePercentToBp('4.35')).toBe(435)
  })

  it('refuse more than two decimals, negatives, words and anything above 100 %', () => {
    for (const text of ['', '0.605', '-1', 'abc', '1,5', '100.01', '101', '.5', '1e2']) {
      expect(parsePercentToBp(text), text).toBeNull()
    }
  })

  it('format basis points with two decimals and round-trip', () => {
    expect(formatBpAsPercent(60)).toBe('0.60')
    expect(formatBpAsPercent(7)).toBe('0.07')
    expect(formatBpAsPercent(0)).toBe('0.00')
    expect(formatBpAsPercent(10_000)).toBe('100.00')
    for (let bp = 0; bp <= 10_000; bp += 1) expect(parsePercentToBp(formatBpAsPercent(bp))).toBe(bp)
  })
})

describe('comma lists', () => {
  it('parse lengths within bounds, accepting full-width commas and spaces', () => {
    expect(parseIntegerList('18', 10, 32)).toEqual([18])
    expect(parseIntegerList('16, 17，18 19', 10, 32)).toEqual([16, 17, 18, 19])
    expect(parseIntegerList('18, 18', 10, 32)).toEqual([18])
    expect(parseIntegerList('9', 10, 32)).toBeNull()
    expect(parseIntegerList('18, x', 10, 32)).toBeNull()
    expect(parseIntegerList(' ', 10, 32)).toBeNull()
  })

  it('keep prefixes as digit strings so leading zeros survive', () => {
    expect(parseDigitPrefixList('01')).toEqual(['01'])
    expect(parseDigitPrefixList('10,11, 12')).toEqual(['10', '11', '12'])
    expect(parseDigitPrefixList('1234567')).toBeNull()
    expect(parseDigitPrefixList('6a')).toBeNull()
    expect(parseDigitPrefixList('')).toBeNull()
  })
})
