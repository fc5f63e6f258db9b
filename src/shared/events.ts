import { z } from 'zod'
import { ATTEMPT_STATUSES, ORDER_STATUSES } from './states'
import { PAYMENT_METHODS, WALLET_IDS } from './wallets'

const Wallet = z.enum(WALLET_IDS)
const Fen = z.number().int()
const Iso = z.string()
const Empty = z.object({})
const FriendPayEnd = z.object({ friendPayId: z.string(), reason: z.string() })
const FriendPayTries = z.object({ friendPayId: z.string(), tries: z.number().int() })
const AttemptEnd = z.object({ reason: z.string() })
const RefundDone = z.object({ refundId: z.string(), amountFen: Fen, wallet: Wallet })

/**
 * Every event the engine appends to its log and pushes to consoles live, with the shape of its data.
 * Data is checked against its shape when appended; readers get it typed by the event's `type`.
 */
export const EVENT_DATA = {
  'order.created': z.object({ totalFen: Fen, lines: z.number().int() }),
  'order.awaiting_payment': Empty,
  'order.reopened': Empty,
  'order.paid': z.object({ wallet: Wallet, amountFen: Fen }),
  'order.cancelled': Empty,
  'order.expired': Empty,
  'payment.created': z.object({
    wallet: Wallet,
    method: z.enum(PAYMENT_METHODS),
    amountFen: Fen,
    accountId: z.string().nullable(),
    installments: z.number().int().optional(),
    /** The customer's payment code, masked. */
    paymentCode: z.string().optional(),
  }),
  'payment.pending': z.object({ wallet: Wallet, expiresAt: Iso.optional() }),
  'payment.user_paying': z.object({ wallet: Wallet }),
  'payment.succeeded': z.object({ wallet: Wallet, amountFen: Fen, providerTradeNo: z.string().nullable() }),
  /** `failureCode`: DECLINED, AMOUNT_MISMATCH, a provider or engine error code… */
  'payment.failed': z.object({ failureCode: z.string() }),
  'payment.closed': AttemptEnd,
  'payment.late_success': z.object({
    wallet: Wallet,
    amountFen: Fen,
    orderStatus: z.enum(ORDER_STATUSES),
    attemptStatus: z.enum(ATTEMPT_STATUSES),
  }),
  'payment.reversed': AttemptEnd,
  'refund.created': z.object({
    refundId: z.string(),
    amountFen: Fen,
    reason: z.string(),
    retryOf: z.string().optional(),
    kind: z.enum(['automatic', 'merchant']).optional(),
    staffId: z.string().nullable().optional(),
  }),
  'refund.processing': RefundDone,
  'refund.succeeded': RefundDone,
  'refund.failed': RefundDone.extend({ state: z.string().optional() }),
  'shift.opened': z.object({ shiftId: z.string(), tillId: z.string(), openingFloatFen: Fen }),
  'cash.moved': z.object({ shiftId: z.string(), direction: z.enum(['in', 'out']), amountFen: Fen, reason: z.string() }),
  'shift.closed': z.object({
    shiftId: z.string(),
    tillId: z.string(),
    expectedFen: z.number().int(),
    countedFen: Fen,
    differenceFen: z.number().int(),
  }),
  'day.closed': z.object({ day: z.string(), netFen: z.number().int() }),
  'aggregate.created': z.object({ aggregateId: z.string(), wallets: z.array(Wallet) }),
  'config.changed': z.discriminatedUnion('entity', [
    z.object({ entity: z.literal('wallet'), wallet: Wallet }),
    z.object({ entity: z.literal('routing') }),
  ]),
  'friend_pay.created': z.object({ friendPayId: z.string(), mode: z.string(), amountFen: Fen, expiresAt: Iso }),
  'friend_pay.verification_failed': FriendPayTries,
  'friend_pay.locked': FriendPayTries,
  'friend_pay.paid': z.object({ friendPayId: z.string(), wallet: Wallet }),
  'friend_pay.expired': FriendPayEnd,
  'friend_pay.cancelled': FriendPayEnd,
  /** A wallet notification or answer we refused; `provider` names the adapter ("wechatpay:sandbox"). */
  'notification.rejected': z.object({
    reason: z.string(),
    provider: z.string().optional(),
    /** Where it came from (the remote address), for notifications that came over the network. */
    source: z.string().optional(),
    /** Rejections of the same kind and source in the minute before this one that were not recorded one by one. */
    suppressed: z.number().int().optional(),
    expectedFen: Fen.optional(),
    reportedFen: Fen.nullable().optional(),
  }),
  'security.rejected': z.object({
    provider: z.string(),
    kind: z.string(),
    detail: z.string(),
    suppressed: z.number().int().optional(),
  }),
  'credentials.changed': z.object({ wallet: Wallet, mode: z.enum(['sandbox', 'production']) }),
  'device.paired': z.object({ deviceId: z.string(), kind: z.enum(['till', 'display']), tillId: z.string() }),
  'device.revoked': z.object({ deviceId: z.string() }),
} as const

export type EventType = keyof typeof EVENT_DATA
export const EVENT_TYPES = Object.keys(EVENT_DATA) as EventType[]
export type EventData<T extends EventType> = z.output<(typeof EVENT_DATA)[T]>

interface EventEnvelope {
  seq: number
  orderId: string | null
  attemptId: string | null
  at: string
}

/** An event as the log holds it: `data` is typed by `type`. */
export type EngineEvent = { [T in EventType]: EventEnvelope & { type: T; data: EventData<T> } }[EventType]

/** Whether a data shape accepts an empty object (an event that may carry no data). */
type AllOptional<D> = Record<never, never> extends D ? true : false

/** What a caller appends: the log adds the number and the time. Events without data may leave it out. */
export type NewEvent = {
  [T in EventType]: { type: T; orderId?: string | null; attemptId?: string | null } & (AllOptional<
    EventData<T>
  > extends true
    ? { data?: EventData<T> }
    : { data: EventData<T> })
}[EventType]

/**
 * Data of events written before their shape was fixed, brought to today's shape when read:
 * `payment.failed` once carried its code as `reason`.
 */
export function upcastEventData(type: EventType, data: Record<string, unknown>): Record<string, unknown> {
  if (type === 'payment.failed' && data['failureCode'] === undefined && typeof data['reason'] === 'string') {
    return { failureCode: data['reason'] }
  }
  return data
}
