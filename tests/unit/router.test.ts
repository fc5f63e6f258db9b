import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { PaymentOption, WalletConfig } from '../../src/shared/api/types'
import { UNAVAILABLE_REASONS } from '../../src/shared/api/schemas'
import { MAX_AMOUNT_FEN } from '../../src/shared/money'
import { WALLET_IDS } from '../../src/shared/wallets'
import { DEFAULT_ROUTING_SETTINGS, defaultWalletConfig } from '../../src/engine/config/defaults'
import { routeOrder, type RoutedOrder, type RoutingFacts } from '../../src/engine/routing/router'

const walletArb: fc.Arbitrary<WalletConfig> = fc
  .record({
    wallet: fc.constantFrom(...WALLET_IDS),
    accepted: fc.boolean(),
    signed: fc.boolean(),
    displayOrder: fc.integer({ min: 0, max: 9 }),
    feeRateBp: fc.integer({ min: 0, max: 300 }),
    minFen: fc.integer({ min: 0, max: 5000 }),
    maxFen: fc.option(fc.integer({ min: 5000, max: MAX_AMOUNT_FEN }), { nil: null }),
    rolloutPercent: fc.integer({ min: 0, max: 100 }),
    excludeCategory: fc.option(fc.constantFrom('饮料', '日用'), { nil: null }),
  })
  .map((r) => ({
    ...defaultWalletConfig(r.wallet),
    accepted: r.accepted,
    contractStatus: r.signed ? 'signed' : 'pending',
    displayOrder: r.displayOrder,
    feeRateBp: r.feeRateBp,
    minFen: r.minFen,
    maxFen: r.maxFen,
    rolloutPercent: r.rolloutPercent,
    productRules: {
      onlyCategories: [],
      excludeCategories: r.excludeCategory ? [r.excludeCategory] : [],
      excludeSkus: [],
    },
  }))

const walletsArb = fc.uniqueArray(walletArb, { selector: (w) => w.wallet, maxLength: 7 })

const orderArb: fc.Arbitrary<RoutedOrder> = fc.record({
  key: fc.string({ minLength: 1, maxLength: 8 }),
  totalFen: fc.integer({ min: 1, max: MAX_AMOUNT_FEN }),
  customerRef: fc.option(fc.string({ minLength: 1, maxLength: 10 }), { nil: null }),
  context: fc.constantFrom('counter' as const, 'online' as const),
  lines: fc.array(
    fc.record({ sku: fc.constantFrom('A', 'B', null), category: fc.constantFrom('饮料', '早餐', '日用', null) }),
    {
      maxLength: 20,
    },
  ),
})

const facts: RoutingFacts = {
  now: 0,
  takenTodayFen: () => 0,
  accountHealth: () => ({ successes: 0, failures: 0, lastFailureAt: null }),
  lastUsedWallet: null,
  channelExists: () => true,
}

describe('the router (property-based)', () => {
  it('answers once for every accepted wallet: offered with a rank and fees, or unavailable with a reason', () => {
    fc.assert(
      fc.property(orderArb, walletsArb, (order, wallets) => {
        const options = routeOrder(order, wallets, DEFAULT_ROUTING_SETTINGS, facts)
        expect(options.map((o) => o.wallet).sort()).toEqual(
          wallets
            .filter((w) => w.accepted)
            .map((w) => w.wallet)
            .sort(),
        )
        const available = options.filter((o) => o.available)
        expect(available.map((o) => o.rank)).toEqual(available.map((_, i) => i + 1))
        expect(options.slice(0, available.length).every((o) => o.available)).toBe(true)
        for (const o of available) {
          expect(o.reason).toBeNull()
          expect(Number.isSafeInteger(o.merchantFeeFen)).toBe(true)
          expect(o.merchantFeeFen!).toBeGreaterThanOrEqual(0)
          expect(o.customerCostFen!).toBeGreaterThanOrEqual(order.totalFen)
          expect(o.methods.length).toBeGreaterThan(0)
        }
        for (const o of options.filter((x) => !x.available)) {
          expect(UNAVAILABLE_REASONS).toContain(o.reason)
          expect(o.rank).toBeNull()
          expect(o.methods).toEqual([])
        }
      }),
    )
  })

  it('never offers a wallet that breaks a rule', () => {
    fc.assert(
      fc.property(orderArb, walletsArb, (order, wallets) => {
        for (const o of routeOrder(order, wallets, DEFAULT_ROUTING_SETTINGS, facts).filter((x) => x.available)) {
          const config = wallets.find((w) => w.wallet === o.wallet)!
          expect(config.contractStatus).toBe('signed')
          expect(order.totalFen).toBeGreaterThanOrEqual(config.minFen)
          if (config.maxFen !== null) expect(order.totalFen).toBeLessThanOrEqual(config.maxFen)
          for (const line of order.lines) expect(config.productRules.excludeCategories).not.toContain(line.category)
          if (config.rolloutPercent < 100) expect(order.customerRef).not.toBeNull()
          if (order.context === 'online') expect(o.wallet).not.toBe('cash')
        }
      }),
    )
  })

  it('is deterministic, and ranks by merchant priority when that is the only criterion', () => {
    const settings = { ...DEFAULT_ROUTING_SETTINGS, ranking: ['priority' as const] }
    fc.assert(
      fc.property(orderArb, walletsArb, (order, wallets) => {
        const first = routeOrder(order, wallets, settings, facts)
        expect(routeOrder(order, wallets, settings, facts)).toEqual(first)
        const orders = first
          .filter((o) => o.available)
          .map((o) => wallets.find((w) => w.wallet === o.wallet)!.displayOrder)
        expect(orders).toEqual([...orders].sort((a, b) => a - b))
      }),
    )
  })

  it('evaluates one wallet alone exactly as in the full list (validating a choice routes that wallet only)', () => {
    fc.assert(
      fc.property(orderArb, walletsArb, fc.constantFrom(...WALLET_IDS), (order, wallets, chosen) => {
        const strip = (o: PaymentOption | undefined) => o && { ...o, rank: null, rankReasons: [] }
        const full = routeOrder(order, wallets, DEFAULT_ROUTING_SETTINGS, { ...facts, lastUsedWallet: 'alipay' }).find(
          (o) => o.wallet === chosen,
        )
        const alone = routeOrder(
          order,
          wallets.filter((w) => w.wallet === chosen),
          DEFAULT_ROUTING_SETTINGS,
          { ...facts, lastUsedWallet: null },
        )
        expect(alone.length).toBeLessThanOrEqual(1)
        expect(strip(alone[0])).toEqual(strip(full))
      }),
    )
  })
})
