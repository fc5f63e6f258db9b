/** Why a merchant gives money back: a coded list the console and reports speak in words. */
export const REFUND_REASONS = ['customer_return', 'wrong_item', 'duplicate', 'price_adjustment', 'other'] as const
export type RefundReason = (typeof REFUND_REASONS)[number]

/**
 * A refund's life: recorded (`pending`), accepted by the wallet and under way (`processing`), then `succeeded`
 * or `failed`. Cash refunds succeed at once, out of the drawer.
 */
export const REFUND_STATUSES = ['pending', 'processing', 'succeeded', 'failed'] as const
export type RefundStatus = (typeof REFUND_STATUSES)[number]

/** `automatic`: money the order did not need (a duplicate or late payment); `merchant`: asked for at the counter. */
export const REFUND_KINDS = ['automatic', 'merchant'] as const
export type RefundKind = (typeof REFUND_KINDS)[number]

/** Longest note a refund keeps (required for reason `other`). */
export const REFUND_NOTE_MAX = 200
