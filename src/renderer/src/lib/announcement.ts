import type { EngineEvent } from '../../../shared/api/types'
import { fenToYuanString } from '../../../shared/money'
import type { WalletId } from '../../../shared/wallets'

/** One payment to say out loud: the money that paid an order. */
export interface Announcement {
  /** What makes it the same payment however often its event arrives: the attempt (else the order). */
  id: string
  orderId: string | null
  wallet: WalletId
  amountFen: number
  /** Paid by a friend through a pay link. */
  byFriend: boolean
}

/**
 * The announcement an event calls for: an order paid (a late second payment, refunded, is not announced:
 * only `order.paid` is, once per order).
 */
export function paidAnnouncement(event: EngineEvent): Announcement | null {
  if (event.type !== 'order.paid') return null
  const id = event.attemptId ?? event.orderId
  if (!id) return null
  return { id, orderId: event.orderId, wallet: event.data.wallet, amountFen: event.data.amountFen, byFriend: false }
}

/** The attempt a friend's payment was made with, when the event says a friend paid. */
export function friendPaidAttempt(event: EngineEvent): string | null {
  return event.type === 'friend_pay.paid' ? event.attemptId : null
}

/** The message key and parameters of what is said: "微信收款 14.50 元", "朋友代付 14.50 元". */
export function announcementWords(a: Announcement): { key: string; wallet: string; amount: string } {
  return {
    key: a.byFriend ? 'voice.friendPaid' : 'voice.paid',
    wallet: `voice.wallets.${a.wallet}`,
    amount: fenToYuanString(a.amountFen),
  }
}

/** A set of recent ids that forgets the oldest beyond `limit`, and can be saved as a list. */
export class RecentIds {
  private readonly ids: string[]

  constructor(
    initial: readonly string[],
    private readonly limit: number,
  ) {
    this.ids = initial.slice(-limit)
  }

  has(id: string): boolean {
    return this.ids.includes(id)
  }

  /** Adds an id; false when it was there already. */
  add(id: string): boolean {
    if (this.has(id)) return false
    this.ids.push(id)
    if (this.ids.length > this.limit) this.ids.shift()
    return true
  }

  list(): string[] {
    return [...this.ids]
  }
}
