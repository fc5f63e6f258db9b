import type { OrderDetail, PaymentAttempt, Refund } from '../../../shared/api/types'
import {
  computeInstallmentPlan,
  INSTALLMENT_PERIODS,
  type FeeBearer,
  type InstallmentPeriods,
  type InstallmentPlan,
} from '../../../shared/installments'
import type { ProviderMode, WalletId } from '../../../shared/wallets'
import { paidByFriendRequestId } from './friendPay'
import { payingAttempt } from './receipt'

export const PAPER_WIDTHS = [58, 80] as const
export type PaperWidth = (typeof PAPER_WIDTHS)[number]

export function isPaperWidth(value: unknown): value is PaperWidth {
  return (PAPER_WIDTHS as readonly unknown[]).includes(value)
}

/** Huabei's terms as the merchant set them: the rate per plan and who bears the fee. */
export interface HuabeiTerms {
  feeBearer: FeeBearer
  feeRatesBp: Record<'3' | '6' | '12', number>
}

/** What the receipt needs beyond the order: the store, who rang it up where, Huabei's terms. */
export interface ReceiptContext {
  storeName: string
  storeAddress: string
  cashierName: string | null
  tillName: string | null
  huabei: HuabeiTerms | null
}

export interface ReceiptLine {
  name: string
  quantity: number
  unitPriceFen: number
  amountFen: number
}

export interface ReceiptPayment {
  wallet: WalletId
  method: PaymentAttempt['method']
  mode: ProviderMode
  tenderedFen: number | null
  changeFen: number | null
}

interface ReceiptHeader {
  storeName: string
  storeAddress: string
  /** "#0042": the order's number of the day, else the tail of its id. */
  number: string
  orderId: string
  cashierName: string | null
  tillName: string | null
}

export interface SaleReceipt extends ReceiptHeader {
  kind: 'sale'
  /** When it was paid (or rung up, for an order not paid yet). */
  at: string
  paid: boolean
  lines: ReceiptLine[]
  /** An order keyed as a plain amount has no lines: its description stands in. */
  description: string | null
  totalFen: number
  payment: ReceiptPayment | null
  installments: InstallmentPlan | null
  friendPaid: boolean
  refunds: { amountFen: number; status: Refund['status']; at: string }[]
  refundedFen: number
}

export interface RefundReceipt extends ReceiptHeader {
  kind: 'refund'
  refundId: string
  at: string
  wallet: WalletId
  mode: ProviderMode | null
  amountFen: number
  reason: string
  note: string | null
  status: Refund['status']
  lines: { name: string; quantity: number }[]
  orderTotalFen: number
}

export type Receipt = SaleReceipt | RefundReceipt

/** "#0042" from the order's number of the day; before orders carry one, the last six characters of its id. */
export function orderNumber(order: Pick<OrderDetail, 'id'> & { dayNumber?: number | null }): string {
  const day = order.dayNumber
  if (typeof day === 'number' && Number.isSafeInteger(day) && day > 0) return `#${String(day).padStart(4, '0')}`
  return `#${order.id.slice(-6).toUpperCase()}`
}

function header(order: OrderDetail, context: ReceiptContext): ReceiptHeader {
  return {
    storeName: context.storeName,
    storeAddress: context.storeAddress,
    number: orderNumber(order),
    orderId: order.id,
    cashierName: context.cashierName,
    tillName: context.tillName,
  }
}

function isPeriods(value: number | null): value is InstallmentPeriods {
  return value !== null && (INSTALLMENT_PERIODS as readonly number[]).includes(value)
}

/** The Huabei plan the customer took, from the periods on the payment and the merchant's terms. */
export function installmentPlanOf(attempt: PaymentAttempt | null, terms: HuabeiTerms | null): InstallmentPlan | null {
  if (!attempt || !terms || !isPeriods(attempt.installments)) return null
  const periods = attempt.installments
  return computeInstallmentPlan(attempt.amountFen, periods, terms.feeRatesBp[`${periods}`], terms.feeBearer)
}

/** The customer's receipt for an order (小票). */
export function saleReceipt(order: OrderDetail, context: ReceiptContext): SaleReceipt {
  const attempt = payingAttempt(order)
  return {
    kind: 'sale',
    ...header(order, context),
    at: order.paidAt ?? order.createdAt,
    paid: order.status === 'paid' || order.paidAt !== null,
    lines: order.lines.map(({ name, quantity, unitPriceFen, amountFen }) => ({
      name,
      quantity,
      unitPriceFen,
      amountFen,
    })),
    description: order.description,
    totalFen: order.totalFen,
    payment: attempt
      ? {
          wallet: attempt.wallet,
          method: attempt.method,
          mode: attempt.mode,
          tenderedFen: attempt.tenderedFen,
          changeFen: attempt.changeFen,
        }
      : null,
    installments: installmentPlanOf(attempt, context.huabei),
    friendPaid: paidByFriendRequestId(order.timeline) !== null,
    refunds: order.refunds.map((r) => ({ amountFen: r.amountFen, status: r.status, at: r.createdAt })),
    refundedFen: order.refundedFen,
  }
}

/** The receipt for one refund of an order (退款小票); null when the order has no such refund. */
export function refundReceipt(order: OrderDetail, refundId: string, context: ReceiptContext): RefundReceipt | null {
  const refund = order.refunds.find((r) => r.id === refundId)
  if (!refund) return null
  const attempt = order.attempts.find((a) => a.id === refund.paymentId) ?? null
  const lineNames = new Map(order.lines.map((line) => [line.id, line.name]))
  return {
    kind: 'refund',
    ...header(order, context),
    refundId: refund.id,
    at: refund.succeededAt ?? refund.createdAt,
    wallet: refund.wallet,
    mode: attempt?.mode ?? null,
    amountFen: refund.amountFen,
    reason: refund.reason,
    note: refund.note,
    status: refund.status,
    lines: refund.lines.map((line) => ({ name: lineNames.get(line.lineId) ?? line.lineId, quantity: line.quantity })),
    orderTotalFen: order.totalFen,
  }
}
