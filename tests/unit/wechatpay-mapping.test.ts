import { describe, expect, it } from 'vitest'
import {
  mapRefundStatus,
  mapTradeState,
  OUT_NO_PATTERN,
  parseRfc3339,
  toRfc3339Shanghai,
  truncateUtf8,
} from '../../src/engine/providers/wechatpay/mapping'

describe('WeChat Pay field formats', () => {
  it('writes time_expire in RFC 3339 with the +08:00 offset, to the second', () => {
    expect(toRfc3339Shanghai(Date.UTC(2018, 5, 8, 2, 34, 56, 789))).toBe('2018-06-08T10:34:56+08:00')
    // Shanghai's day changes at 16:00 UTC.
    expect(toRfc3339Shanghai(Date.UTC(2024, 11, 31, 16, 0, 0))).toBe('2025-01-01T00:00:00+08:00')
  })

  it('reads success_time with its offset and refuses times without one', () => {
    expect(parseRfc3339('2018-06-08T10:34:56+08:00')).toBe(Date.UTC(2018, 5, 8, 2, 34, 56))
    expect(parseRfc3339('2018-06-08T10:34:56')).toBeNull()
    expect(parseRfc3339(1528425296)).toBeNull()
  })

  it('cuts descriptions to 127 UTF-8 bytes without splitting a character', () => {
    const chinese = '互'.repeat(50) // 3 bytes each
    const cut = truncateUtf8(chinese, 127)
    expect(Buffer.byteLength(cut)).toBe(126)
    expect(cut).toBe('互'.repeat(42))
    expect(truncateUtf8('a😀b', 4)).toBe('a')
    expect(truncateUtf8('short', 127)).toBe('short')
  })

  it('accepts only documented out_trade_no characters and lengths', () => {
    expect(OUT_NO_PATTERN.test('pay_01JBZ5V7Q3X8N2M4K6H9T1R0YE')).toBe(true)
    expect(OUT_NO_PATTERN.test('a-b*c_1')).toBe(true)
    expect(OUT_NO_PATTERN.test('short')).toBe(false)
    expect(OUT_NO_PATTERN.test('x'.repeat(33))).toBe(false)
    expect(OUT_NO_PATTERN.test('pay/../../x')).toBe(false)
  })
})

describe('WeChat Pay states', () => {
  it('maps every documented trade_state', () => {
    expect(mapTradeState('SUCCESS')).toBe('SUCCESS')
    expect(mapTradeState('REFUND')).toBe('SUCCESS')
    expect(mapTradeState('NOTPAY')).toBe('NOTPAY')
    expect(mapTradeState('CLOSED')).toBe('CLOSED')
    expect(mapTradeState('REVOKED')).toBe('REVOKED')
    expect(mapTradeState('USERPAYING')).toBe('USERPAYING')
    expect(mapTradeState('PAYERROR')).toBe('PAYERROR')
    expect(mapTradeState('ACCEPT')).toBe('USERPAYING')
    expect(mapTradeState('PAID')).toBeNull()
    expect(mapTradeState(undefined)).toBeNull()
  })

  it('maps every documented refund status', () => {
    for (const status of ['SUCCESS', 'CLOSED', 'PROCESSING', 'ABNORMAL'] as const)
      expect(mapRefundStatus(status)).toBe(status)
    expect(mapRefundStatus('FAILED')).toBeNull()
  })
})
