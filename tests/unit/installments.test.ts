import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  applyRateBp,
  computeInstallmentPlan,
  INSTALLMENT_PERIODS,
  splitFirstCarries,
} from '../../src/shared/installments'
import { MAX_AMOUNT_FEN } from '../../src/shared/money'

describe('Huabei installment plans', () => {
  it('per-period amounts are whole fen and sum exactly to what the customer repays', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_AMOUNT_FEN }),
        fc.constantFrom(...INSTALLMENT_PERIODS),
        fc.integer({ min: 0, max: 2000 }),
        fc.constantFrom('merchant' as const, 'customer' as const),
        (total, periods, rateBp, bearer) => {
          const plan = computeInstallmentPlan(total, periods, rateBp, bearer)
          expect(plan.schedule).toHaveLength(periods)
          for (const p of plan.schedule) {
            expect(Number.isSafeInteger(p.amountFen)).toBe(true)
            expect(p.amountFen).toBe(p.principalFen + p.feeFen)
          }
          expect(plan.schedule.reduce((s, p) => s + p.principalFen, 0)).toBe(total)
          expect(plan.schedule.reduce((s, p) => s + p.amountFen, 0)).toBe(plan.customerTotalFen)
          expect(plan.customerTotalFen + plan.merchantFeeFen).toBe(total + plan.feeFen)
          // The first period carries the remainder; every later period is the same.
          const later = plan.schedule.slice(1).map((p) => p.amountFen)
          expect(new Set(later).size).toBeLessThanOrEqual(1)
          expect(plan.firstPeriodFen - plan.laterPeriodFen).toBeGreaterThanOrEqual(0)
          expect(plan.firstPeriodFen - plan.laterPeriodFen).toBeLessThan(2 * periods)
        },
      ),
    )
  })

  it('who bears the fee decides who pays it', () => {
    expect(computeInstallmentPlan(10_000, 3, 180, 'customer')).toMatchObject({
      feeFen: 180,
      customerTotalFen: 10_180,
      merchantFeeFen: 0,
    })
    expect(computeInstallmentPlan(10_000, 3, 180, 'merchant')).toMatchObject({
      feeFen: 180,
      customerTotalFen: 10_000,
      merchantFeeFen: 180,
    })
  })

  it('the first period carries the remainder', () => {
    expect(splitFirstCarries(100, 3)).toEqual([34, 33, 33])
    expect(computeInstallmentPlan(10_001, 3, 0, 'merchant').schedule.map((p) => p.amountFen)).toEqual([
      3335, 3333, 3333,
    ])
  })

  it('rounds fees half up in integers', () => {
    expect(applyRateBp(1250, 60)).toBe(8) // 7.5 → 8
    expect(applyRateBp(1249, 60)).toBe(7) // 7.494 → 7
    expect(applyRateBp(MAX_AMOUNT_FEN, 10_000)).toBe(MAX_AMOUNT_FEN)
  })
})
