import type { BillLine, BillSummary } from './types'

/**
 * One trade or refund to write into a wallet's bill: what the readers read back as a BillLine, plus the columns
 * a bill shows that matching does not need (the trade's description, the original order's amount).
 */
export interface BillRecord {
  kind: 'payment' | 'refund'
  outTradeNo: string
  providerTradeNo: string
  /** Refunds only. */
  outRefundNo?: string | null
  /** The wallet's refund number (微信退款单号); refunds only. */
  providerRefundNo?: string | null
  merchantId: string
  /** A payment's amount, or a refund's amount, in positive fen. */
  amountFen: number
  /** The paid trade's amount; on a refund the original trade's (defaults to amountFen). */
  orderAmountFen?: number
  /** As BillLine.feeFen: positive on a payment, negative (returned) or zero on a refund. */
  feeFen: number
  /** When the wallet booked it (ms since epoch). */
  at: number
  /** 商品名称: the trade's description. */
  description: string
  /** The fee rate shown beside the fee, in basis points (60 → "0.60%"). */
  feeRateBp?: number
}

/** Running totals of the lines read or written so far, in the units the summary is checked in. */
export interface BillTotals {
  trades: number
  payments: number
  refunds: number
  paidFen: number
  refundedFen: number
  /** Fees in thousandths of a fen, exact as printed (WeChat Pay prints five decimals of a yuan). */
  feesMilliFen: number
}

export function emptyTotals(): BillTotals {
  return { trades: 0, payments: 0, refunds: 0, paidFen: 0, refundedFen: 0, feesMilliFen: 0 }
}

export function addToTotals(totals: BillTotals, line: Pick<BillLine, 'kind' | 'amountFen'>, feeMilliFen: number): void {
  totals.trades += 1
  if (line.kind === 'payment') {
    totals.payments += 1
    totals.paidFen += line.amountFen
  } else {
    totals.refunds += 1
    totals.refundedFen += line.amountFen
  }
  totals.feesMilliFen += feeMilliFen
}

/** What differs between a bill's summary and the totals of its lines, or null when they agree. */
export function summaryDisagreement(
  summary: Omit<BillSummary, 'type' | 'feesFen'> & { feesMilliFen: number },
  totals: BillTotals,
): string | null {
  const checks: [string, number, number][] = [
    ['trade count', summary.trades, totals.trades],
    ['paid total (fen)', summary.paidFen, totals.paidFen],
    ['refunded total (fen)', summary.refundedFen, totals.refundedFen],
    ['fee total (0.001 fen)', summary.feesMilliFen, totals.feesMilliFen],
  ]
  const wrong = checks.filter(([, said, counted]) => said !== counted)
  if (!wrong.length) return null
  return wrong.map(([what, said, counted]) => `${what} says ${said}, the lines add up to ${counted}`).join('; ')
}

/** Basis points → "0.60%". */
export function feeRateText(bp: number | undefined): string {
  if (bp === undefined) return ''
  return `${Math.trunc(bp / 100)}.${String(bp % 100).padStart(2, '0')}%`
}
