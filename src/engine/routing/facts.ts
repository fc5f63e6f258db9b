import type { Database } from 'better-sqlite3'
import type { PaymentOption } from '../../shared/api/types'
import type { WalletId } from '../../shared/wallets'
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
import { routeOrder, type RoutedOrder } from './router'

/** The order as the router sees it: amount, customer, context, and each line's SKU and category. */
function routedOrder(db: Database, order: OrderRow): RoutedOrder {
  const lines = linesInBrief(db, order.id).facts
  return { key: order.id, totalFen: order.total_fen, customerRef: order.customer_ref, context: order.context, lines }
}

/**
 * Routes an order against the live configuration and the engine's books (read fresh on every call). With
 * `onlyWallet`, only that wallet is evaluated — what validating a cashier's choice needs (each wallet's
 * availability, account and fees depend on that wallet alone; ranking is left out).
 */
export function createOptionsResolver(db: Database, clock: Clock, providers: ProviderRegistry) {
  return (order: OrderRow, onlyWallet?: WalletId): PaymentOption[] => {
    const now = clock.now()
    const settings = getRoutingSettings(db)
    const dayStart = businessDayStart(now)
    const windowStart = now - settings.accountHealth.windowMinutes * 60_000
    const configs = listWalletConfigs(db)
    return routeOrder(
      routedOrder(db, order),
      onlyWallet ? configs.filter((c) => c.wallet === onlyWallet) : configs,
      settings,
      {
        now,
        // Net takings: money given back (a second code paid, say) does not count toward the day's cap.
        takenTodayFen: (wallet) =>
          sumSucceededSince(db, wallet, dayStart) - sumRefundedOfSucceededSince(db, wallet, dayStart),
        accountHealth: (wallet, accountId) => accountOutcomesSince(db, wallet, accountId, windowStart),
        lastUsedWallet:
          order.customer_ref && !onlyWallet ? (lastWalletUsedBy(db, order.customer_ref) as WalletId | null) : null,
        channelExists: (wallet, method, mode) => providers.find(wallet, method, mode) !== null,
      },
    )
  }
}
