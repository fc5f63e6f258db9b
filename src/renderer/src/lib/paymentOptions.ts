import type { PaymentOption } from '../../../shared/api/types'
import type { InstallmentPlan } from '../../../shared/installments'
import { WALLETS, type WalletId } from '../../../shared/wallets'

/** What an installment plan cell says: per-period amount, the first period when it differs, the fee. */
export interface InstallmentDisplay {
  periods: number
  perPeriodFen: number
  /** Set only when the first period carries the rounding remainder. */
  firstPeriodFen: number | null
  /** True when the customer pays no installment fee (the merchant bears it, or the rate is 0). */
  interestFree: boolean
  /** The fee the customer pays in all. */
  customerFeeFen: number
}

type PlanFields = Pick<
  InstallmentPlan,
  'feeBearer' | 'feeFen' | 'customerTotalFen' | 'firstPeriodFen' | 'laterPeriodFen'
> & { periods: number }

export function installmentDisplay(plan: PlanFields, totalFen: number): InstallmentDisplay {
  const customerFeeFen = plan.customerTotalFen - totalFen
  return {
    periods: plan.periods,
    perPeriodFen: plan.laterPeriodFen,
    firstPeriodFen: plan.firstPeriodFen !== plan.laterPeriodFen ? plan.firstPeriodFen : null,
    interestFree: customerFeeFen === 0,
    customerFeeFen,
  }
}

/** The customer's cost, when it is not simply the order total. */
export function extraCustomerCost(option: Pick<PaymentOption, 'customerCostFen'>, totalFen: number): number | null {
  return option.customerCostFen !== null && option.customerCostFen !== totalFen ? option.customerCostFen : null
}

/** The wallets that can show a QR code next to the ones already on screen. */
export function walletsForAnotherQr(
  options: readonly PaymentOption[],
  shown: readonly (WalletId | null)[],
): WalletId[] {
  return options
    .filter(
      (o) => o.available && o.methods.includes('qr') && !WALLETS[o.wallet].installments && !shown.includes(o.wallet),
    )
    .map((o) => o.wallet)
}

/** How to put an unavailable option's reasonDetail into words, by reason. */
export type ReasonDetail =
  | { kind: 'money'; fen: number }
  | { kind: 'percent'; value: number }
  | { kind: 'message'; key: string }
  | { kind: 'text'; text: string }

const MONEY_REASONS = ['AMOUNT_BELOW_MIN', 'AMOUNT_ABOVE_MAX', 'DAILY_CAP_REACHED']

export function reasonDetail(reason: string | null, detail: string | null): ReasonDetail | null {
  if (detail === null || detail === '') return null
  const numeric = /^\d{1,15}$/.test(detail) ? Number(detail) : null
  if (reason && MONEY_REASONS.includes(reason) && numeric !== null) return { kind: 'money', fen: numeric }
  if (reason === 'NOT_IN_ROLLOUT' && numeric !== null) return { kind: 'percent', value: numeric }
  if (reason === 'NOT_SIGNED') return { kind: 'message', key: `settings.contract.${detail}` }
  if (reason === 'CHANNEL_UNAVAILABLE') return { kind: 'message', key: `settings.mode.${detail}` }
  if (reason === 'CONTEXT_UNSUPPORTED') return { kind: 'message', key: `checkout.context.${detail}` }
  return { kind: 'text', text: detail }
}
