import type { Database } from 'better-sqlite3'
import type { PaymentOption } from '../../shared/api/types'
import { EngineError } from '../../shared/errors'
import { FRIEND_PAY_MAX_WRONG_ANSWERS } from '../../shared/friendPay'
import type { WalletId } from '../../shared/wallets'
import type { Clock } from '../clock'
import type { EventLog } from '../events/log'
import type { IdPrefix } from '../ids'
import type { Logger } from '../logger'
import type { OrderRow } from '../orders/queries'
import type { PaymentService } from '../payments/service'
import { getFriendPay, type FriendPayRow } from './queries'

export const MAX_WRONG_ANSWERS = FRIEND_PAY_MAX_WRONG_ANSWERS

export interface FriendPayDeps {
  db: Database
  clock: Clock
  events: EventLog
  payments: PaymentService
  optionsFor: (order: OrderRow) => PaymentOption[]
  newId: (prefix: IdPrefix) => string
  publicBaseUrl: () => string
  /** Key for the short-lived proof that a friend passed verification. */
  proofKey: string
  /** An order's own payable time, restored when its friend-pay requests end. */
  orderTtlMs: number
  /** Where background failures (a request that could not expire yet) are reported. */
  log: Logger
}

/** What the requester's and the friend's steps work with: the dependencies (friend pay keeps no state). */
export type FriendPayContext = FriendPayDeps

export function requireRequest(ctx: FriendPayContext, id: string): FriendPayRow {
  const row = getFriendPay(ctx.db, id)
  if (!row) throw new EngineError('FRIEND_PAY_NOT_FOUND', `no friend-pay request ${id}`)
  return row
}

/** The wallets a friend may use for this order now: the order's routing, friend-pay switched on. */
export function eligibleWallets(ctx: FriendPayContext, order: OrderRow): WalletId[] {
  return ctx
    .optionsFor(order)
    .filter((o) => o.available && o.methods.includes('friend-pay'))
    .map((o) => o.wallet)
}

/** The share link's path: `/f/<id>.<secret>`. */
export function linkOf(row: FriendPayRow): string {
  return `/f/${row.id}.${row.secret}`
}
