import { describe, expect, it } from 'vitest'
import { errorMessageRef } from '../../../src/renderer/src/lib/errorText'
import {
  checkDraft,
  emptyDraft,
  refundResultKey,
  returnableLines,
  returnedLinesText,
  type RefundDraft,
} from '../../../src/renderer/src/lib/refundDraft'
import type { OrderDetail, Refund } from '../../../src/shared/api/types'
import { EngineError } from '../../../src/shared/errors'

const EGG = {
  id: 'lin_egg',
  productId: null,
  sku: 'BRK-001',
  name: '茶叶蛋',
  unitPriceFen: 150,
  quantity: 2,
  amountFen: 300,
}
const MILK = {
  id: 'lin_milk',
  productId: null,
  sku: 'DRK-001',
  name: '豆浆',
  unitPriceFen: 400,
  quantity: 1,
  amountFen: 400,
}

function refund(overrides: Partial<Refund>): Refund {
  return {
    id: 'rfd_1',
    orderId: 'ord_1',
    paymentId: 'pay_1',
    attemptId: 'pay_1',
    wallet: 'wechat',
    kind: 'merchant',
    amountFen: 150,
    reason: 'customer_return',
    note: null,
    lines: [],
    staffId: null,
    status: 'succeeded',
    providerRefundNo: null,
    tries: 1,
    lastError: null,
    retryOf: null,
    createdAt: '2026-11-30T12:00:00.000Z',
    updatedAt: '2026-11-30T12:00:00.000Z',
    processingAt: null,
    succeededAt: null,
    failedAt: null,
    ...overrides,
  } as Refund
}

function order(refunds: Refund[] = [], refundableFen = 700): OrderDetail {
  return { id: 'ord_1', lines: [EGG, MILK], refunds, refundableFen, totalFen: 700 } as unknown as OrderDetail
}

const draft = (overrides: Partial<RefundDraft>): RefundDraft => ({ ...emptyDraft(order()), ...overrides })

describe('what a refund may still take back', () => {
  it('counts the lines of refunds that hold, not those the wallet refused (but an ABNORMAL one still holds)', () => {
    const taken = [{ lineId: EGG.id, quantity: 1, amountFen: 150 }]
    const detail = order([
      refund({ lines: taken }),
      refund({ id: 'rfd_2', lines: taken, status: 'failed', lastError: 'REFUND_REJECTED' }),
      refund({
        id: 'rfd_3',
        lines: [{ lineId: MILK.id, quantity: 1, amountFen: 400 }],
        status: 'failed',
        lastError: 'ABNORMAL',
      }),
    ])
    expect(returnableLines(detail).map(({ id, returned, left }) => ({ id, returned, left }))).toEqual([
      { id: EGG.id, returned: 1, left: 1 },
      { id: MILK.id, returned: 1, left: 0 },
    ])
  })

  it('starts from what is left, in yuan', () => {
    expect(emptyDraft(order([], 550))).toMatchObject({ mode: 'amount', amountText: '5.50', reason: null })
  })
})

describe('checking a refund draft', () => {
  it('turns an amount in yuan into integer fen, with the note trimmed', () => {
    const check = checkDraft(order(), draft({ amountText: '3.1', reason: 'price_adjustment', note: '  多收  ' }))
    expect(check).toEqual({
      ok: true,
      amountFen: 310,
      request: { id: 'ord_1', amountFen: 310, reason: 'price_adjustment', note: '多收' },
    })
  })

  it('refuses an amount that is not one, is zero, or is above what is left', () => {
    for (const amountText of ['', 'abc', '1.234', '-1', '0', '7.01'])
      expect(checkDraft(order(), draft({ amountText, reason: 'duplicate' }))).toEqual({
        ok: false,
        problems: { amount: 'amountInvalid' },
      })
  })

  it('asks for a reason, and for a note when the reason is other', () => {
    expect(checkDraft(order(), draft({}))).toEqual({ ok: false, problems: { reason: 'reasonRequired' } })
    expect(checkDraft(order(), draft({ reason: 'other', note: '   ' }))).toEqual({
      ok: false,
      problems: { note: 'noteRequired' },
    })
  })

  it('by items: the chosen lines at their prices, each at most what is left of it', () => {
    const detail = order([refund({ lines: [{ lineId: EGG.id, quantity: 1, amountFen: 150 }] })], 550)
    expect(checkDraft(detail, draft({ mode: 'lines', reason: 'customer_return' }))).toEqual({
      ok: false,
      problems: { lines: 'nothingChosen' },
    })
    const check = checkDraft(
      detail,
      draft({ mode: 'lines', quantities: { [EGG.id]: 2, [MILK.id]: 1 }, reason: 'customer_return' }),
    )
    expect(check).toEqual({
      ok: true,
      amountFen: 550,
      request: {
        id: 'ord_1',
        amountFen: 550,
        reason: 'customer_return',
        lines: [
          { lineId: EGG.id, quantity: 1 },
          { lineId: MILK.id, quantity: 1 },
        ],
      },
    })
  })

  it('by items after a refund by amount: gives back no more than is left', () => {
    const check = checkDraft(
      order([], 500),
      draft({ mode: 'lines', quantities: { [EGG.id]: 2, [MILK.id]: 1 }, reason: 'wrong_item' }),
    )
    expect(check.ok && check.amountFen).toBe(500)
  })
})

describe('what the cashier is told', () => {
  it('names the outcome of a refund the engine took', () => {
    expect(refundResultKey(refund({}))).toBe('resultSucceeded')
    expect(refundResultKey(refund({ wallet: 'cash' }))).toBe('resultCash')
    expect(refundResultKey(refund({ status: 'processing' }))).toBe('resultProcessing')
    expect(refundResultKey(refund({ status: 'pending' }))).toBe('resultPending')
    expect(refundResultKey(refund({ status: 'failed' }))).toBe('resultFailed')
  })

  it('says how much or how many are left when a refund asks for too much', () => {
    const over = (details: object) => errorMessageRef(new EngineError('REFUND_EXCEEDS_PAID', 'x', details))
    expect(over({ refundableFen: 549 })).toEqual({ key: 'errors.refundExceedsLeft', params: { amount: '¥5.49' } })
    expect(over({ refundableFen: 0 })).toEqual({ key: 'errors.refundNothingLeft' })
    expect(over({ lineId: EGG.id, quantityLeft: 1 })).toEqual({ key: 'errors.refundLineExceedsLeft', params: { n: 1 } })
    expect(over({})).toEqual({ key: 'errors.codes.REFUND_EXCEEDS_PAID', params: { code: 'REFUND_EXCEEDS_PAID' } })
  })

  it('lists returned lines by name', () => {
    expect(
      returnedLinesText(order(), [
        { lineId: EGG.id, quantity: 1 },
        { lineId: MILK.id, quantity: 1 },
      ]),
    ).toBe('茶叶蛋 × 1 · 豆浆 × 1')
  })
})
