import { describe, expect, it } from 'vitest'
import type { PaymentOption } from '../../../src/shared/api/types'
import { computeInstallmentPlan } from '../../../src/shared/installments'
import { changeFen, quickTenders } from '../../../src/renderer/src/lib/cash'
import {
  extraCustomerCost,
  installmentDisplay,
  reasonDetail,
  walletsForAnotherQr,
} from '../../../src/renderer/src/lib/paymentOptions'

function option(wallet: PaymentOption['wallet'], overrides: Partial<PaymentOption> = {}): PaymentOption {
  return {
    wallet,
    available: true,
    reason: null,
    reasonDetail: null,
    methods: wallet === 'cash' ? ['cash'] : ['qr', 'payment-code'],
    mode: 'simulator',
    feeRateBp: 60,
    merchantFeeFen: 4,
    customerCostFen: 700,
    rank: 1,
    rankReasons: [],
    accountId: 'main',
    ...overrides,
  }
}

describe('installment display', () => {
  it('shows the later period amount, the first one only when it carries a remainder', () => {
    // ¥70.20 over 3 with the customer bearing 1.80 %: fee ¥1.26, repaid ¥71.46 = 23.82 × 3.
    const even = installmentDisplay(computeInstallmentPlan(7020, 3, 180, 'customer'), 7020)
    expect(even).toEqual({
      periods: 3,
      perPeriodFen: 2382,
      firstPeriodFen: null,
      interestFree: false,
      customerFeeFen: 126,
    })

    const uneven = installmentDisplay(computeInstallmentPlan(10_000, 6, 0, 'merchant'), 10_000)
    expect(uneven.perPeriodFen).toBe(1666)
    expect(uneven.firstPeriodFen).toBe(1670)
    expect(uneven.firstPeriodFen! + 5 * uneven.perPeriodFen).toBe(10_000)
  })

  it('is interest-free when the merchant bears the fee', () => {
    const plan = computeInstallmentPlan(12_000, 12, 750, 'merchant')
    expect(plan.merchantFeeFen).toBe(900)
    const shown = installmentDisplay(plan, 12_000)
    expect(shown.interestFree).toBe(true)
    expect(shown.customerFeeFen).toBe(0)
    expect(shown.perPeriodFen).toBe(1000)
  })
})

describe('payment option details', () => {
  it('mention the customer cost only when it differs from the total', () => {
    expect(extraCustomerCost(option('wechat'), 700)).toBeNull()
    expect(extraCustomerCost(option('wechat', { customerCostFen: 712 }), 700)).toBe(712)
    expect(extraCustomerCost(option('wechat', { customerCostFen: null }), 700)).toBeNull()
  })

  it('offer another QR only for available QR wallets not yet on screen', () => {
    const options = [
      option('wechat'),
      option('alipay'),
      option('huabei', { methods: ['installments'] }),
      option('unionpay', { available: false, rank: null }),
      option('cash'),
    ]
    expect(walletsForAnotherQr(options, ['wechat'])).toEqual(['alipay'])
    expect(walletsForAnotherQr(options, [null])).toEqual(['wechat', 'alipay'])
  })
})

describe('cash', () => {
  it('gives change only when the tender covers the total', () => {
    expect(changeFen(700, 1000)).toBe(300)
    expect(changeFen(700, 700)).toBe(0)
    expect(changeFen(700, 699)).toBeNull()
  })

  it('offers the exact amount, then the next notes above the total, smallest first', () => {
    expect(quickTenders(1250)).toEqual([1250, 1500, 2000, 5000, 10_000])
    expect(quickTenders(700)).toEqual([700, 1000, 2000, 5000, 10_000])
    expect(quickTenders(6300)).toEqual([6300, 6500, 7000, 10_000])
    expect(quickTenders(6000)).toEqual([6000, 10_000])
    expect(quickTenders(13_000)).toEqual([13_000, 15_000, 20_000])
    expect(quickTenders(13_250)).toEqual([13_250, 13_500, 14_000, 15_000, 20_000])
    expect(quickTenders(20_000)).toEqual([20_000])
  })

  it('never offers a tender that does not cover the total, nor the same amount twice', () => {
    for (const total of [1, 99, 1999, 2000, 2001, 4999, 9999, 10_001, 123_456]) {
      const [exact, ...rest] = quickTenders(total)
      expect(exact).toBe(total)
      expect(rest.length).toBeLessThanOrEqual(4)
      expect(new Set(rest).size).toBe(rest.length)
      for (const tender of rest) expect(tender).toBeGreaterThan(total)
      expect(rest).toEqual([...rest].sort((a, b) => a - b))
    }
  })
})

describe('unavailable reason details', () => {
  it('read limits as fen, rollout as a percentage and statuses as message keys', () => {
    expect(reasonDetail('AMOUNT_BELOW_MIN', '10000')).toEqual({ kind: 'money', fen: 10_000 })
    expect(reasonDetail('DAILY_CAP_REACHED', '500000')).toEqual({ kind: 'money', fen: 500_000 })
    expect(reasonDetail('NOT_IN_ROLLOUT', '20')).toEqual({ kind: 'percent', value: 20 })
    expect(reasonDetail('NOT_SIGNED', 'pending')).toEqual({ kind: 'message', key: 'settings.contract.pending' })
    expect(reasonDetail('PRODUCT_EXCLUDED', 'DRK-003')).toEqual({ kind: 'text', text: 'DRK-003' })
    expect(reasonDetail('AMOUNT_ABOVE_MAX', null)).toBeNull()
  })
})
