import { prepared } from '../db/prepared'
import type { Database } from 'better-sqlite3'
import type { PaymentOption } from '../../shared/api/types'
import type { WalletId } from '../../shared/wallets'
import type { Clock } from '../clock'
import { getRoutingSettings } from '../config/routing'
import { listWalletConfigs } from '../config/wallets'
import type { OrderRow } from '../orders/queries'
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
export function routedOrder(db: Database, order: OrderRow): RoutedOrder {
  const lines = prepared(
    db,
    `SELECT l.sku AS sku, p.category AS category FROM order_lines l LEFT JOIN products p ON p.id = l.product_id
       WHERE l.order_id = ? ORDER BY l.position`,
  ).all(order.id) as { sku: string | null; category: string | null }[]
  return { key: order.id, totalFen: order.total_fen, customerRef: order.customer_ref, context: order.context, lines }
}

/** How many orders' routing views are kept (the orders at the tills right now, with room to spare). */
const ROUTED_ORDERS_KEPT = 512

/**
 * An order is routed at least twice (the cashier's list, then the check of the chosen wallet), and neither its
 * lines nor the products they name ever change once it exists: its routing view is read once and kept.
 */
function keptRoutedOrders(db: Database): (order: OrderRow) => RoutedOrder {
  const kept = new Map<string, RoutedOrder['lines']>()
  return (order) => {
    let lines = kept.get(order.id)
    if (!lines) {
      lines = routedOrder(db, order).lines
      kept.set(order.id, lines)
      if (kept.size > ROUTED_ORDERS_KEPT) kept.delete(kept.keys().next().value!)
    }
    return { key: order.id, totalFen: order.total_fen, customerRef: order.customer_ref, context: order.context, lines }
  }
}

/**
 * Routes an order against the live configuration and the engine's books (read fresh on every call). With
 * `onlyWallet`, only that wallet is evaluated — what validating a cashier's choice needs (each wallet's
 * availability, account and fees depend on that wallet alone; ranking is left out).
 */
export function createOptionsResolver(db: Database, clock: Clock, providers: ProviderRegistry) {
  const routed = keptRoutedOrders(db)
  return (order: OrderRow, onlyWallet?: WalletId): PaymentOption[] => {
    const now = clock.now()
    const settings = getRoutingSettings(db)
    const dayStart = businessDayStart(now)
    const windowStart = now - settings.accountHealth.windowMinutes * 60_000
    const configs = listWalletConfigs(db)
    return routeOrder(routed(order), onlyWallet ? configs.filter((c) => c.wallet === onlyWallet) : configs, settings, {
      now,
      // Net takings: money given back (a second code paid, say) does not count toward the day's cap.
      takenTodayFen: (wallet) =>
        sumSucceededSince(db, wallet, dayStart) - sumRefundedOfSucceededSince(db, wallet, dayStart),
      accountHealth: (wallet, accountId) => accountOutcomesSince(db, wallet, accountId, windowStart),
      lastUsedWallet:
        order.customer_ref && !onlyWallet ? (lastWalletUsedBy(db, order.customer_ref) as WalletId | null) : null,
      channelExists: (wallet, method, mode) => providers.find(wallet, method, mode) !== null,
    })
  }
}
