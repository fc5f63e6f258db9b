/**
 * Order and payment-attempt state machines. Each status has a timestamp column in the engine;
 * a transition not listed here is an error.
 */
export const ORDER_STATUSES = ['open', 'awaiting_payment', 'paid', 'cancelled', 'expired'] as const
export type OrderStatus = (typeof ORDER_STATUSES)[number]

/**
 * The status an order shows: a paid order whose money was partly or wholly given back reads
 * `partially_refunded` / `refunded` (the books keep it `paid`, with what was refunded beside it).
 */
export const ORDER_VIEW_STATUSES = [...ORDER_STATUSES, 'partially_refunded', 'refunded'] as const
export type OrderViewStatus = (typeof ORDER_VIEW_STATUSES)[number]

export const ORDER_TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  open: ['awaiting_payment', 'paid', 'cancelled', 'expired'],
  // Back to open when every attempt ended without money: the order stays payable.
  awaiting_payment: ['open', 'paid', 'cancelled', 'expired'],
  paid: [],
  cancelled: [],
  expired: [],
}

export const ATTEMPT_STATUSES = ['created', 'pending', 'succeeded', 'failed', 'closed'] as const
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number]

export const ATTEMPT_TRANSITIONS: Record<AttemptStatus, readonly AttemptStatus[]> = {
  created: ['pending', 'failed', 'closed'],
  pending: ['succeeded', 'failed', 'closed'],
  succeeded: [],
  failed: [],
  closed: [],
}

export function canTransition<S extends string>(table: Record<S, readonly S[]>, from: S, to: S): boolean {
  return table[from].includes(to)
}

export const FINAL_ATTEMPT_STATUSES: readonly AttemptStatus[] = ['succeeded', 'failed', 'closed']
export const FINAL_ORDER_STATUSES: readonly OrderStatus[] = ['paid', 'cancelled', 'expired']

/** Whether an order, as shown, takes no more payments (refunded orders were paid). */
export function isFinalOrderStatus(status: OrderViewStatus): boolean {
  return status === 'partially_refunded' || status === 'refunded' || FINAL_ORDER_STATUSES.includes(status)
}
