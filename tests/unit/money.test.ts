import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fenToYuanString, formatFen, MAX_AMOUNT_FEN, multiplyFen, parseYuanToFen } from '../../src/shared/money'

describe('money in integer fen', () => {
  it('formats fen as yuan the way a receipt shows it', () => {
    expect(formatFen(1234)).toBe('¥12.34')
    expect(formatFen(5)).toBe('¥0.05')
    expect(formatFen(0)).toBe('¥0.00')
    expect(formatFen(123456789)).toBe('¥1,234,567.89')
    expect(formatFen(-250)).toBe('-¥2.50')
  })

  it('refuses to format anything that is not whole fen', () => {
    expect(() => fenToYuanString(1.5)).toThrow()
    expect(() => fenToYuanString(Number.NaN)).toThrow()
  })

  it('parses typed yuan amounts exactly, without floating point drift', () => {
    expect(parseYuanToFen('0.1')).toBe(10)
    expect(parseYuanToFen('0.29')).toBe(29) // 0.29 * 100 is 28.999… in floating point
    expect(parseYuanToFen('1.005')).toBeNull()
    expect(parseYuanToFen('12')).toBe(1200)
    expect(parseYuanToFen(' 7.50 ')).toBe(750)
    for (const bad of ['', '-1', '1e3', '01.00', 'abc', '1.', '.5', '1,000']) expect(parseYuanToFen(bad)).toBeNull()
  })

  it('round-trips every amount between fen and yuan strings', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_AMOUNT_FEN }), (fen) => {
        expect(parseYuanToFen(fenToYuanString(fen))).toBe(fen)
      }),
    )
  })

  it('multiplies unit price by quantity and refuses unsafe results', () => {
    expect(multiplyFen(150, 3)).toBe(450)
    expect(() => multiplyFen(Number.MAX_SAFE_INTEGER, 2)).toThrow(RangeError)
  })
})
