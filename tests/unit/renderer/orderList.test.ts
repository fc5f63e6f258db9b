import { describe, expect, it } from 'vitest'
import {
  businessDayOf,
  formatDayNumber,
  laterDay,
  refundStateOf,
  shiftDay,
  shortOrderId,
  testModeOf,
} from '../../../src/renderer/src/lib/orderList'

describe('the orders list', () => {
  it('puts a sale before 04:00 Beijing time on the previous business day', () => {
    expect(businessDayOf(Date.parse('2026-11-30T19:59:59Z'))).toBe('2026-11-30') // 03:59 on 12-01 in Beijing
    expect(businessDayOf(Date.parse('2026-11-30T20:00:00Z'))).toBe('2026-12-01') // 04:00
    expect(businessDayOf(Date.parse('2026-11-30T17:00:00Z'), 0)).toBe('2026-12-01') // midnight start
  })

  it('steps between days across month and year ends, and keeps the later of two', () => {
    expect(shiftDay('2026-12-31', 1)).toBe('2027-01-01')
    expect(shiftDay('2026-03-01', -1)).toBe('2026-02-28')
    expect(laterDay('2026-12-01', '2026-12-02')).toBe('2026-12-02')
    expect(laterDay('2026-12-01', null)).toBe('2026-12-01')
  })

  it('shows the day number as a cashier says it, and a short id with its tail', () => {
    expect(formatDayNumber(1)).toBe('#0001')
    expect(formatDayNumber(42)).toBe('#0042')
    expect(formatDayNumber(12345)).toBe('#12345')
    expect(shortOrderId('ord_01M8PFPFWK8900G395QAZ69NS9')).toBe('ord_…Z69NS9')
    expect(shortOrderId('ord_SHORT')).toBe('ord_SHORT')
  })

  it('marks only payments that moved no real money, and tells part from whole refunds', () => {
    expect(testModeOf({ mode: 'simulator' })).toBe('simulator')
    expect(testModeOf({ mode: 'sandbox' })).toBe('sandbox')
    expect(testModeOf({ mode: 'production' })).toBeNull()
    expect(testModeOf({ mode: null })).toBeNull()
    expect(refundStateOf({ refundedFen: 0, totalFen: 500 })).toBeNull()
    expect(refundStateOf({ refundedFen: 200, totalFen: 500 })).toBe('partial')
    expect(refundStateOf({ refundedFen: 500, totalFen: 500 })).toBe('full')
  })
})
