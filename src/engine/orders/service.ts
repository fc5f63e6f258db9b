import type { OperationParsedInput } from '../../shared/api/operations'
import type { Order, OrderDetail } from '../../shared/api/types'
import { listRefundsForOrder, refundsHeldAgainst } from '../payments/refundQueries'
import { load, type OrderContext, type OrderServiceDeps } from './context'
import { createOrder } from './create'
import { endOrder, expireDue } from './end'
import { getOrderLines, listOrderRows, orderTotals, toOrder, type OrderFilter, type OrderTotals } from './queries'

export type { OrderServiceDeps } from './context'

export type OrderService = ReturnType<typeof createOrderService>

/**
 * Orders: `create` (lines from the catalog, or an amount) and `end` (cancel, expire) are plain functions
 * taking the dependencies; this binds them, with the two reads.
 */
export function createOrderService(deps: OrderServiceDeps) {
  const ctx: OrderContext = deps
  return {
    create: (input: OperationParsedInput<'orders.create'>) => createOrder(ctx, input),
    get: (id: string) => getOrder(ctx, id),
    list: (input: OperationParsedInput<'orders.list'>) => listOrders(ctx, input),
    cancel: (id: string) => endOrder(ctx, id, 'cancelled'),
    expireDue: () => expireDue(ctx),
  }
}

/** An order with its payment attempts, refunds and timeline. */
function getOrder(ctx: OrderContext, id: string): OrderDetail {
  const order = load(ctx, id)
  const attempts = ctx.payments.listForOrder(id)
  const paid = attempts.find((attempt) => attempt.status === 'succeeded' && attempt.id === order.paidAttemptId)
  return {
    ...order,
    refundableFen: paid ? paid.amountFen - refundsHeldAgainst(ctx.db, paid.id) : 0,
    attempts,
    refunds: listRefundsForOrder(ctx.db, id),
    timeline: ctx.events.forOrder(id),
  }
}

function listOrders(
  ctx: OrderContext,
  input: OperationParsedInput<'orders.list'>,
): { orders: Order[]; totals: OrderTotals } {
  const filter: OrderFilter = {
    status: input.status,
    day: input.day,
    from: input.from === undefined ? undefined : Date.parse(input.from),
    to: input.to === undefined ? undefined : Date.parse(input.to),
    q: input.q,
  }
  const orders = listOrderRows(ctx.db, filter, input.limit).map((row) => toOrder(row, getOrderLines(ctx.db, row.id)))
  return { orders, totals: orderTotals(ctx.db, filter) }
}
