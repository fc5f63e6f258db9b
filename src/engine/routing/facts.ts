import type { Database } from 'better-sqlite3'
import type { PaymentOption } from '../../shared/api/types'
import type { PaymentMethod, ProviderMode, WalletId } from '../../shared/wallets'
import type { Clock } from '../clock'
import { getRoutingSettings } from '../config/routing'
import { listWalletConfigs } from '../config/wallets'
import { linesInBrief, type OrderRow } from '../orders/queries'
import {
  accountOutcomesSince,
  lastWalletUsedBy,
  sumRefundedOfSucceededSince,
  sumSucceededSince,
} from '../payments/queries'
import type { ProviderRegistry } from '../providers/registry'
import { businessDayStart } from '../time'
import type { AccountHealth } from './accounts'
import { routeOrder, type RoutedOrder, type RoutingFacts } from './router'

/** The order as the router sees it: amount, customer, context, and each line's SKU and category. */
function routedOrder(db: Database, order: OrderRow): RoutedOrder {
  const lines = linesInBrief(db, order.id).facts
  return { key: order.id, totalFen: order.total_fen, customerRef: order.customer_ref, context: order.context, lines }
}

/** What routing asks of the engine's books for one order, read when asked. */
class BookFacts implements RoutingFacts {
  readonly now: number
  readonly lastUsedWallet: WalletId | null
  private readonly db: Database
  private readonly providers: ProviderRegistry
  private readonly dayStart: number
  private readonly windowStart: number

  constructor(
    db: Database,
    providers: ProviderRegistry,
    now: number,
    windowMinutes: number,
    lastUsed: WalletId | null,
  ) {
    this.db = db
    this.providers = providers
    this.now = now
    this.lastUsedWallet = lastUsed
    this.dayStart = businessDayStart(now)
    this.windowStart = now - windowMinutes * 60_000
  }

  // Net takings: money given back (a second code paid, say) does not count toward the day's cap.
  takenTodayFen(wallet: WalletId): number {
    return (
      sumSucceededSince(this.db, wallet, this.dayStart) - sumRefundedOfSucceededSince(this.db, wallet, this.dayStart)
    )
  }

  accountHealth(wallet: WalletId, accountId: string): AccountHealth {
    return accountOutcomesSince(this.db, wallet, accountId, this.windowStart)
  }

  channelExists(wallet: WalletId, method: PaymentMethod, mode: ProviderMode): boolean {
    return this.providers.find(wallet, method, mode) !== null
  }
}

/**
 * Routes an order against the live configuration and the engine's books (read fresh on every call). With
 * `onlyWallet`, only that wallet is evaluated — what validating a cashier's choice needs (each wallet's
 * availability, account and fees depend on that wallet alone; ranking is left out).
 */
export function createOptionsResolver(db: Database, clock: Clock, providers: ProviderRegistry) {
  return (order: OrderRow, onlyWallet?: WalletId): PaymentOption[] => {
    const settings = getRoutingSettings(db)
    const configs = listWalletConfigs(db)
    const lastUsed =
      order.customer_ref && !onlyWallet ? (lastWalletUsedBy(db, order.customer_ref) as WalletId | null) : null
    return routeOrder(
      routedOrder(db, order),
      onlyWallet ? configs.filter((c) => c.wallet === onlyWallet) : configs,
      settings,
      new BookFacts(db, providers, clock.now(), settings.accountHealth.windowMinutes, lastUsed),
    )
  }
}
