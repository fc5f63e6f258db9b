import type { Database } from 'better-sqlite3'
import type { PaymentOption } from '../../shared/api/types'
import { present } from '../../shared/assert'
import { EngineError } from '../../shared/errors'
import type { OptionMethod, WalletId } from '../../shared/wallets'
import type { Clock } from '../clock'
import { getWalletConfig } from '../config/wallets'
import type { EventLog } from '../events/log'
import type { RejectionThrottle } from '../events/rejectionThrottle'
import type { IdPrefix } from '../ids'
import { errorFields, type Logger } from '../logger'
import { getOrderRow, linesInBrief, type OrderRow } from '../orders/queries'
import type { ProviderRegistry } from '../providers/registry'
import type { PaymentProvider } from '../providers/types'
import { getStoreProfile } from '../store/profile'
import { truncateUtf8 } from '../utf8'
import { getAttemptRow, type AttemptRow } from './queries'
import type { CircuitBreakers } from './walletLanes'

/** Runs inside the transaction that marks an order paid (friend-pay requests follow their order). */
export type OrderPaidHook = (orderId: string, attempt: AttemptRow, now: number) => void

export interface PaymentDeps {
  db: Database
  clock: Clock
  events: EventLog
  providers: ProviderRegistry
  log: Logger
  newId: (prefix: IdPrefix) => string
  /** The routed payment options of an order, as the customer would see them now. */
  optionsFor: (order: OrderRow, onlyWallet?: WalletId) => PaymentOption[]
  /** How long a QR code stays payable. */
  paymentTtlMs: number
  /** Background work (closing sibling attempts, refunds) is tracked so shutdown and tests can wait for it. */
  track: (work: Promise<unknown>) => void
  /** True once the engine is shutting down: the sweeps stop between two wallets (the next start resumes). */
  stopping: () => boolean
  /** Records rejected notifications once per source and minute. */
  rejections: RejectionThrottle
}

/** What every lifecycle step of a payment works with: the dependencies and the little state they share. */
export interface PaymentContext extends PaymentDeps {
  /** Called, in order, inside the transaction that marks an order paid. */
  orderPaidHooks: OrderPaidHook[]
  /** Sends due refunds to their wallets; never overlaps itself. */
  processRefunds: () => Promise<void>
  /** When each unfinished attempt was last asked about at its wallet. */
  lastQueried: Map<string, number>
  /** Wallet channels that keep failing are left alone for a while (see walletLanes). */
  breakers: CircuitBreakers
}

/** A `created` attempt younger than this may still be waiting for its provider call. */
export const CREATE_GRACE_MS = 60_000
/** How long after its deadline a closed QR code is still watched for a late payment. */
export const LATE_WATCH_MARGIN_MS = 2 * 60_000
/** Failure codes that are the customer's doing (a declined card), not the channel's. */
export const DECLINED = 'DECLINED'

/** The units of a checkout whose checks all come before their first write (see CommitGroups.runChecked). */
export const CHECKS_FIRST = { checksFirst: true } as const
/** WeChat Pay's description limit is 127 bytes. */
const DESCRIPTION_MAX_BYTES = 127

export function requireOrder(ctx: PaymentContext, id: string): OrderRow {
  const order = getOrderRow(ctx.db, id)
  if (!order) throw new EngineError('ORDER_NOT_FOUND', `no order ${id}`)
  return order
}

export function requireAttempt(ctx: PaymentContext, id: string): AttemptRow {
  const attempt = getAttemptRow(ctx.db, id)
  if (!attempt) throw new EngineError('PAYMENT_NOT_FOUND', `no payment ${id}`)
  return attempt
}

export function providerFor(ctx: PaymentContext, attempt: AttemptRow): PaymentProvider {
  const provider = ctx.providers.byKey(attempt.provider)
  if (!provider) throw new EngineError('PROVIDER_ERROR', `provider ${attempt.provider} is not configured`)
  return provider
}

export function isUnfinished(attempt: AttemptRow): boolean {
  return attempt.status === 'created' || attempt.status === 'pending'
}

export function requirePayable(ctx: PaymentContext, order: OrderRow): void {
  if ((order.status !== 'open' && order.status !== 'awaiting_payment') || order.expires_at <= ctx.clock.now()) {
    throw new EngineError('ORDER_NOT_PAYABLE', `order ${order.id} is ${order.status}`)
  }
}

/** The routed option for a wallet, which must offer `method` now. */
export function requireOption(
  ctx: PaymentContext,
  order: OrderRow,
  wallet: WalletId,
  method: OptionMethod,
): PaymentOption {
  const option = ctx.optionsFor(order, wallet).find((o) => o.wallet === wallet)
  if (!option || !option.available || !option.methods.includes(method)) {
    const reason = option ? (option.reason ?? 'METHOD_UNSUPPORTED') : 'NOT_ACCEPTED'
    throw new EngineError('WALLET_UNAVAILABLE', `${wallet} cannot take this order (${reason})`, { reason })
  }
  return option
}

/** What the customer's wallet shows as the purchase: "store-first item 等3件", at most 127 bytes. */
export function describeOrder(ctx: PaymentContext, order: OrderRow): string {
  const store = getStoreProfile(ctx.db).name
  let what = order.description
  if (what === null) {
    const { firstName, count } = linesInBrief(ctx.db, order.id)
    what = count === 0 ? '' : count === 1 ? present(firstName, 'the only line') : `${firstName} 等${count}件`
  }
  return truncateUtf8([store, what].filter(Boolean).join('-') || order.id, DESCRIPTION_MAX_BYTES)
}

/** The merchant number (商户号 / PID) of the account the router chose. */
export function merchantIdOf(ctx: PaymentContext, option: PaymentOption, wallet: WalletId): string | null {
  if (!option.accountId) return null
  return getWalletConfig(ctx.db, wallet).accounts.find((a) => a.id === option.accountId)?.merchantId ?? null
}

/**
 * Runs work in the background, tracked for shutdown; a failure is logged with what was being done. Used where
 * nothing waits for the outcome because the sweep retries it (closing codes, sending refunds).
 */
export function inBackground(ctx: PaymentContext, what: string, work: Promise<unknown>, fields = {}): void {
  ctx.track(work.catch((error: unknown) => ctx.log.warn({ ...fields, ...errorFields(error) }, `${what} failed`)))
}
