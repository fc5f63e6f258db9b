import { afterAll, bench, describe } from 'vitest'
import type { WalletConfig } from '../src/shared/api/types'
import { WALLET_IDS } from '../src/shared/wallets'
import { DEFAULT_ROUTING_SETTINGS, defaultWalletConfig } from '../src/engine/config/defaults'
import { routeOrder, type RoutedOrder, type RoutingFacts } from '../src/engine/routing/router'
import { testEngine } from '../tests/support/engine'

// Seven wallets, every one accepted and signed, with product rules, limits, a rollout and two accounts
// each, so that every check of the router runs.
const wallets: WalletConfig[] = WALLET_IDS.map((wallet) => ({
  ...defaultWalletConfig(wallet),
  accepted: true,
  contractStatus: 'signed',
  maxFen: 5_000_000,
  dailyCapFen: 100_000_000,
  rolloutPercent: 100,
  productRules: { onlyCategories: [], excludeCategories: ['烟草', '彩票'], excludeSkus: ['X-1', 'X-2', 'X-3'] },
  accountStrategy: 'success_rate',
  accounts:
    wallet === 'cash'
      ? []
      : [
          { id: 'a', label: 'A', merchantId: `${wallet}-a`, priority: 0, splitPercent: 50, feeRateBp: null, enabled: true },
          { id: 'b', label: 'B', merchantId: `${wallet}-b`, priority: 1, splitPercent: 50, feeRateBp: 30, enabled: true },
        ],
}))

const order: RoutedOrder = {
  key: 'ord_01JBENCHMARK0000000000000',
  totalFen: 25_680,
  customerRef: 'member-42',
  context: 'counter',
  lines: Array.from({ length: 20 }, (_, i) => ({ sku: `SKU-${i}`, category: ['饮料', '早餐', '日用', '零食'][i % 4]! })),
}

const facts: RoutingFacts = {
  now: Date.parse('2026-11-21T04:00:00Z'),
  takenTodayFen: () => 1_234_500,
  accountHealth: (_wallet, id) => (id === 'a' ? { successes: 40, failures: 3, lastFailureAt: null } : { successes: 12, failures: 0, lastFailureAt: null }),
  lastUsedWallet: 'alipay',
  channelExists: () => true,
}

describe('routing decision', () => {
  bench('routeOrder: 20 lines, 7 wallets (pure)', () => {
    routeOrder(order, wallets, DEFAULT_ROUTING_SETTINGS, facts)
  })
})

// The same decision through the engine: configuration and facts read from SQLite on every call.
const t = testEngine()
const lines = Array.from({ length: 20 }, (_, i) => ({ name: `商品${i}`, unitPriceFen: 100 + i, quantity: 1 + (i % 3) }))
const created = (await t.engine.invoke('orders.create', { lines, customerRef: 'member-42' })) as { id: string }
afterAll(() => t.dispose())

describe('payment options through the engine', () => {
  bench('engine.invoke("orders.paymentOptions"): 20 lines, SQLite', async () => {
    await t.engine.invoke('orders.paymentOptions', { id: created.id })
  })
})
