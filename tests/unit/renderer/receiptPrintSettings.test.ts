import { describe, expect, it } from 'vitest'
import {
  claimAutoPrint,
  DEFAULT_PRINT_SETTINGS,
  parsePrintSettings,
  PRINTED_MEMORY,
} from '../../../src/renderer/src/lib/printSettings'

describe('receipt printing settings (kept on the device)', () => {
  it('reads what was saved, and the default for anything missing or damaged', () => {
    expect(parsePrintSettings(null)).toEqual(DEFAULT_PRINT_SETTINGS)
    expect(parsePrintSettings('{not json')).toEqual(DEFAULT_PRINT_SETTINGS)
    expect(parsePrintSettings(JSON.stringify({ printer: 'XP-58', paper: 58, silent: false, autoPrint: true }))).toEqual(
      {
        printer: 'XP-58',
        paper: 58,
        silent: false,
        autoPrint: true,
      },
    )
    expect(parsePrintSettings(JSON.stringify({ paper: 76, autoPrint: 'yes', printer: '' }))).toEqual(
      DEFAULT_PRINT_SETTINGS,
    )
  })

  it('prints each payment once, however often it is heard of', () => {
    const first = claimAutoPrint([], 'ord_1')
    expect(first).toEqual(['ord_1'])
    expect(claimAutoPrint(first!, 'ord_1')).toBeNull()
    expect(claimAutoPrint(first!, 'ord_2')).toEqual(['ord_1', 'ord_2'])
  })

  it('remembers a busy day of payments and forgets the oldest beyond it', () => {
    const full = Array.from({ length: PRINTED_MEMORY }, (_, i) => `ord_${i}`)
    const next = claimAutoPrint(full, 'ord_new')!
    expect(next).toHaveLength(PRINTED_MEMORY)
    expect(next[0]).toBe('ord_1')
    expect(next.at(-1)).toBe('ord_new')
  })
})
