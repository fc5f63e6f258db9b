import type { Order } from '../../shared/api/types'
import { EngineError } from '../../shared/errors'
import type { OrderStatus } from '../../shared/states'
import { appendAudit } from '../config/audit'
import { finishFriendPay, listOpenFriendPayForOrder } from '../friendPay/queries'
import { errorFields } from '../logger'
import { countUnfinishedAttemptsForOrder } from '../payments/queries'
import { load, requireRow, type OrderContext } from './context'
import { listExpiredUnfinishedOrderIds, transitionOrder, type OrderRow } from './queries'

/** Ends an unpaid order: its open payments are closed at the wallets first, so none can land later. */
export async function endOrder(ctx: OrderContext, id: string, to: 'cancelled' | 'expired'): Promise<Order> {
  const before = requireRow(ctx, id)
  if (before.status === to) return load(ctx, id)
  assertUnpaid(before, to)
  await ctx.payments.closeAllForOrder(id, to === 'cancelled' ? 'order_cancelled' : 'order_expired')
  ctx.events.unitOfWork(() => {
    const row = requireRow(ctx, id)
    if (row.status === to) return
    assertUnpaid(row, to)
    if (countUnfinishedAttemptsForOrder(ctx.db, id) > 0) {
      throw new EngineError('CONCURRENT_UPDATE', 'a payment is still being closed, try again')
    }
    if (!transitionOrder(ctx.db, id, row.status, to, ctx.clock.now())) {
      throw new EngineError('CONCURRENT_UPDATE', 'the order changed meanwhile, try again')
    }
    ctx.events.append({ type: to === 'cancelled' ? 'order.cancelled' : 'order.expired', orderId: id })
    if (to === 'cancelled') {
      const change = { before: { status: row.status }, after: { status: to }, at: ctx.clock.now() }
      appendAudit(ctx.db, { entity: 'order', entityId: id, ...change })
    }
    cancelFriendPay(ctx, id, to === 'cancelled' ? 'order_cancelled' : 'order_expired')
  })
  return load(ctx, id)
}

/** Its friend-pay requests end with the order (their payments were closed with the order's). */
function cancelFriendPay(ctx: OrderContext, orderId: string, reason: 'order_cancelled' | 'order_expired'): void {
  for (const request of listOpenFriendPayForOrder(ctx.db, orderId)) {
    if (finishFriendPay(ctx.db, request.id, 'cancelled', ctx.clock.now(), { cancelReason: reason })) {
      ctx.events.append({ type: 'friend_pay.cancelled', orderId, data: { friendPayId: request.id, reason } })
    }
  }
}

/** Expires every unpaid order past its deadline. */
export async function expireDue(ctx: OrderContext): Promise<void> {
  for (const id of listExpiredUnfinishedOrderIds(ctx.db, ctx.clock.now())) {
    try {
      await endOrder(ctx, id, 'expired')
    } catch (error) {
      // Paid meanwhile (nothing to do), or a wallet did not answer: the next sweep looks again.
      if (error instanceof EngineError && error.code === 'INVALID_STATE') continue
      ctx.log.warn({ orderId: id, ...errorFields(error) }, 'orders: expiring an order failed')
    }
  }
}

function assertUnpaid(row: OrderRow, to: OrderStatus): void {
  if (row.status !== 'open' && row.status !== 'awaiting_payment') {
    throw new EngineError('INVALID_STATE', `order ${row.id} is ${row.status} and cannot become ${to}`)
  }
}
