import { describe, expect, it } from 'vitest'
import { browserTillName, cleanTillName, parseStoredTill } from '../../../src/renderer/src/lib/till'

describe('a till’s name', () => {
  it('gives a browser a short suffix from the random bytes, in letters that read aloud unambiguously', () => {
    expect(browserTillName('浏览器收银台', new Uint8Array([0, 1, 31, 32]))).toBe('浏览器收银台 23Z2')
    const name = browserTillName('Browser till', crypto.getRandomValues(new Uint8Array(4)))
    expect(name).toMatch(/^Browser till [2-9A-HJ-NP-Z]{4}$/)
  })

  it('takes a typed name trimmed, up to 30 characters', () => {
    expect(cleanTillName('  前台   2 号 ')).toBe('前台 2 号')
    expect(cleanTillName('   ')).toBeNull()
    expect(cleanTillName('x'.repeat(31))).toBeNull()
  })

  it('reads back only a till it stored whole', () => {
    expect(parseStoredTill('{"id":"til_1","name":"收银台 1"}')).toEqual({ id: 'til_1', name: '收银台 1' })
    expect(parseStoredTill(null)).toBeNull()
    expect(parseStoredTill('{"id":"til_1"}')).toBeNull()
    expect(parseStoredTill('not json')).toBeNull()
  })
})
