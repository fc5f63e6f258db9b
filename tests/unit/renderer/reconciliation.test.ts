import { describe, expect, it } from 'vitest'
import type { ReconciliationRunView } from '../../../src/shared/api/reconciliationSchemas'
import {
  beijingDate,
  bytesToBase64,
  daysBefore,
  isCalendarDate,
  openCount,
  runOf,
  statusOf,
} from '../../../src/renderer/src/lib/reconciliation'

function run(over: Partial<ReconciliationRunView>): ReconciliationRunView {
  return {
    id: 'rec_1',
    wallet: 'wechat',
    date: '2026-11-21',
    mode: 'simulator',
    status: 'matched',
    source: 'download',
    reason: null,
    matchedCount: 0,
    bill: null,
    discrepancies: [],
    createdAt: '2026-11-22T03:00:00.000Z',
    updatedAt: '2026-11-22T03:00:00.000Z',
    ...over,
  }
}

describe('the reconciliation screen’s days and states', () => {
  it('the day is Beijing’s: 16:00 UTC is already the next day there', () => {
    expect(beijingDate(Date.parse('2026-11-21T15:59:59Z'))).toBe('2026-11-21')
    expect(beijingDate(Date.parse('2026-11-21T16:00:00Z'))).toBe('2026-11-22')
  })

  it('lists the days before today, newest first, across a month’s end', () => {
    expect(daysBefore('2026-12-02', 4)).toEqual(['2026-12-01', '2026-11-30', '2026-11-29', '2026-11-28'])
  })

  it('takes only real calendar dates from the address', () => {
    expect(isCalendarDate('2026-11-21')).toBe(true)
    expect(isCalendarDate('2026-13-01')).toBe(false)
    expect(isCalendarDate('21/11/2026')).toBe(false)
  })

  it('a day and wallet with runs in two modes shows the one updated last; none reads not run', () => {
    const older = run({ id: 'rec_a', mode: 'sandbox', updatedAt: '2026-11-22T03:00:00.000Z' })
    const newer = run({ id: 'rec_b', status: 'discrepancies', updatedAt: '2026-11-22T04:00:00.000Z' })
    expect(runOf([older, newer], '2026-11-21', 'wechat')?.id).toBe('rec_b')
    expect(runOf([older, newer], '2026-11-21', 'alipay')).toBeNull()
    expect(statusOf(null)).toBe('not_run')
  })

  it('counts only the differences still open', () => {
    const base = { kind: 'fee_mismatch', outTradeNo: null, outRefundNo: null, orderId: null } as const
    const shared = { ...base, oursFen: 1, theirsFen: 2, suggestedAction: '', actions: [], note: null }
    const settled = { resolvedAt: null, resolvedBy: null }
    const discrepancies = [
      { ...shared, ...settled, id: 'dsc_1', status: 'open' as const },
      { ...shared, ...settled, id: 'dsc_2', status: 'explained' as const },
      { ...shared, ...settled, id: 'dsc_3', status: 'open' as const },
    ]
    expect(openCount(run({ discrepancies }))).toBe(2)
    expect(openCount(null)).toBe(0)
  })

  it('encodes a file of several slices to the same base64 as Node', () => {
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 31) % 256)
    expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'))
  })
})
