import { singleFlight } from '../singleFlight'
import {
  providerFor,
  requireAttempt,
  requireOrder,
  type OrderPaidHook,
  type PaymentContext,
  type PaymentDeps,
} from './context'
import { createPayment, createQrAttempt, linkedQrAttempt, type QrLink } from './create'
import { listAttemptRowsForOrder, toAttempt, type AttemptRow } from './queries'
import { getRefundRow } from './refundQueries'
import { retryRefund, sendDueRefunds, sendRefundNow } from './refunds'
import { createMerchantRefund, getRefund, listRefunds, type RefundAuthority } from './merchantRefunds'
import { acceptNotification, applyTrade, closeAllForOrder, closeAttempt, closePayment } from './settle'
import { sweepPayments } from './sweep'
import { createCircuitBreakers } from './walletLanes'
import type { OrderRow } from '../orders/queries'
import type { OperationParsedInput } from '../../shared/api/operations'
import type { IncomingNotification } from '../providers/types'

export type { PaymentDeps, OrderPaidHook } from './context'
export { qrSvg } from './create'

/**
 * A payment's life, in modules of plain functions taking the context first: `create` (QR, payment code, cash),
 * `settle` (apply what a wallet reports, mark paid, end, close), `refunds` (queue, send, retry) and `sweep`.
 * This binds them to one context for the rest of the engine.
 */
export function createPaymentService(deps: PaymentDeps) {
  const ctx: PaymentContext = {
    ...deps,
    orderPaidHooks: [],
    lastQueried: new Map(),
    breakers: createCircuitBreakers(),
    processRefunds: singleFlight(() => sendDueRefunds(ctx)),
  }
  return {
    /** Adds a step to the transaction that marks an order paid. */
    onOrderPaid: (hook: OrderPaidHook) => void ctx.orderPaidHooks.push(hook),
    create: (input: OperationParsedInput<'payments.create'>) => createPayment(ctx, input),
    createQrAttempt: (order: OrderRow, wallet: AttemptRow['wallet'], link?: QrLink) =>
      createQrAttempt(ctx, order, wallet, link),
    linkedQrAttempt: (
      order: OrderRow,
      wallet: AttemptRow['wallet'],
      link: { aggregateId: string } | { friendPayId: string },
    ) => linkedQrAttempt(ctx, order, wallet, link),
    closeAttempt: (attempt: AttemptRow, reason: string) => closeAttempt(ctx, attempt, reason),
    close: (id: string) => closePayment(ctx, id),
    closeAllForOrder: (orderId: string, reason: string) => closeAllForOrder(ctx, orderId, reason),
    requireOrder: (id: string) => requireOrder(ctx, id),
    get: (id: string) => toAttempt(requireAttempt(ctx, id)),
    listForOrder: (orderId: string) => listAttemptRowsForOrder(deps.db, orderId).map(toAttempt),
    acceptNotification: (providerKey: string, notification: IncomingNotification) =>
      acceptNotification(ctx, providerKey, notification),
    processRefunds: () => ctx.processRefunds(),
    retryRefund: (id: string) => retryRefund(ctx, id),
    createRefund: (
      input: OperationParsedInput<'refunds.create'>,
      authorize: (amountFen: number) => Promise<RefundAuthority>,
    ) => createMerchantRefund(ctx, input, authorize),
    getRefund: (id: string) => getRefund(ctx, id),
    listRefunds: (input: OperationParsedInput<'refunds.list'>) => listRefunds(ctx, input),
    sweep: singleFlight(() => sweepPayments(ctx)),
    refund: (id: string) => getRefundRow(deps.db, id),
    /** Asks the wallet about a payment now and records what it says, through the usual state machine. */
    reconcileAttempt: async (id: string) => {
      const attempt = requireAttempt(ctx, id)
      const trade = await providerFor(ctx, attempt).query(attempt.id)
      await applyTrade(ctx, attempt, trade)
      return trade
    },
    /** Sends a pending refund, or asks the wallet about one it accepted, now rather than at the next sweep. */
    settleRefundNow: (id: string) => sendRefundNow(ctx, id),
  }
}

export type PaymentService = ReturnType<typeof createPaymentService>
