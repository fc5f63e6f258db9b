/**
 * Order and payment-attempt state machines. Each status has a timestamp column in the engine;
 * a transition not listed here is an error.
 */
export const ORDER_STATUSES = ['open', 'awaiting_payment', 'paid', 'cancelled', 'expired'] as const
export type OrderStatus = (typeof ORDER_STATUSES)[number]

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
