/** Event types appended to the engine's event log and pushed to consoles live. */
export const EVENT_TYPES = [
  'order.created',
  'order.awaiting_payment',
  'order.reopened',
  'order.paid',
  'order.cancelled',
  'order.expired',
  'payment.created',
  'payment.pending',
  'payment.user_paying',
  'payment.succeeded',
  'payment.failed',
  'payment.closed',
  'payment.late_success',
  'payment.reversed',
  'refund.created',
  'refund.succeeded',
  'refund.failed',
  'aggregate.created',
  'config.changed',
  'notification.rejected',
] as const
export type EventType = (typeof EVENT_TYPES)[number]
