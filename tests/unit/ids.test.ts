import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/engine/clock'
import { createIdGenerator, newSecretToken } from '../../src/engine/ids'

describe('ids', () => {
  it('are prefixed, time-ordered and monotonic within one millisecond', () => {
    const clock = createManualClock(Date.parse('2026-01-01T00:00:00Z'))
    const newId = createIdGenerator(clock)
    const ids = [newId('ord'), newId('ord'), newId('ord')]
    clock.advance(1)
    ids.push(newId('ord'))
    expect(ids.every((id) => /^ord_[0-9A-HJKMNP-TV-Z]{26}$/.test(id))).toBe(true)
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('payment ids satisfy WeChat Pay out_trade_no rules (6–32 chars of [0-9A-Za-z_-*])', () => {
    const id = createIdGenerator(createManualClock(0))('pay')
    expect(id).toMatch(/^[0-9A-Za-z_\-*]{6,32}$/)
  })

  it('secret tokens carry at least 128 bits and do not repeat', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => newSecretToken()))
    expect(tokens.size).toBe(1000)
    for (const token of tokens) expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16)
  })
})
