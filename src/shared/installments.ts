/**
 * Huabei (花呗) installment plans. The installment fee is a rate of the order total; whoever bears it
 * (merchant or customer) is a merchant setting. Amounts are integer fen; per-period amounts sum exactly
 * to what the customer repays. Where a split leaves a remainder, the first period carries it
 * (both for principal and for fee), so every later period is the same round amount.
 */
export const INSTALLMENT_PERIODS = [3, 6, 12] as const
export type InstallmentPeriods = (typeof INSTALLMENT_PERIODS)[number]
export type FeeBearer = 'merchant' | 'customer'

export interface InstallmentPeriodAmount {
  period: number
  principalFen: number
  feeFen: number
  amountFen: number
}

export interface InstallmentPlan {
  periods: InstallmentPeriods
  feeRateBp: number
  feeBearer: FeeBearer
  /** The whole installment fee. */
  feeFen: number
  /** What the customer repays in total (order total, plus the fee when the customer bears it). */
  customerTotalFen: number
  /** The installment fee the merchant pays (0 when the customer bears it). */
  merchantFeeFen: number
  /** The first period's amount (the largest). */
  firstPeriodFen: number
  /** Every later period's amount. */
  laterPeriodFen: number
  schedule: InstallmentPeriodAmount[]
}

/** Rounds amount × rate (basis points) half up, in integers. */
export function applyRateBp(amountFen: number, rateBp: number): number {
  return Math.floor((amountFen * rateBp + 5000) / 10000)
}

/** Splits an amount into n integer parts, the remainder on the first part. */
export function splitFirstCarries(amountFen: number, parts: number): number[] {
  const base = Math.floor(amountFen / parts)
  const remainder = amountFen - base * parts
  return Array.from({ length: parts }, (_, i) => (i === 0 ? base + remainder : base))
}

export function computeInstallmentPlan(
  totalFen: number,
  periods: InstallmentPeriods,
  feeRateBp: number,
  feeBearer: FeeBearer,
): InstallmentPlan {
  const feeFen = applyRateBp(totalFen, feeRateBp)
  const customerFeeFen = feeBearer === 'customer' ? feeFen : 0
  const principal = splitFirstCarries(totalFen, periods)
  const fees = splitFirstCarries(customerFeeFen, periods)
  const schedule = principal.map((principalFen, i) => ({
    period: i + 1,
    principalFen,
    feeFen: fees[i]!,
    amountFen: principalFen + fees[i]!,
  }))
  return {
    periods,
    feeRateBp,
    feeBearer,
    feeFen,
    customerTotalFen: totalFen + customerFeeFen,
    merchantFeeFen: feeBearer === 'merchant' ? feeFen : 0,
    firstPeriodFen: schedule[0]!.amountFen,
    laterPeriodFen: schedule[schedule.length - 1]!.amountFen,
    schedule,
  }
}
