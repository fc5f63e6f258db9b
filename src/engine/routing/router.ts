import type { PaymentOption, WalletConfig } from '../../shared/api/types'
import { computeInstallmentPlan } from '../../shared/installments'
import { applyRateBp } from '../../shared/installments'
import { inRollout } from '../../shared/rollout'
import {
  WALLET_IDS,
  WALLET_METHODS,
  type OptionMethod,
  type PaymentMethod,
  type ProviderMode,
  type WalletId,
} from '../../shared/wallets'
import type { RoutingSettingsData } from '../config/routing'
import { chooseAccount, type AccountHealth } from './accounts'
import { present } from '../../shared/assert'

export interface RoutedOrder {
  /** Stable key for deterministic splits (the order id). */
  key: string
  totalFen: number
  customerRef: string | null
  context: 'counter' | 'online'
  lines: { sku: string | null; category: string | null }[]
}

/** What the router needs to know beyond the configuration; gathered by the engine from its books. */
export interface RoutingFacts {
  now: number
  /** Amount each wallet has taken so far this business day. */
  takenTodayFen: (wallet: WalletId) => number
  accountHealth: (wallet: WalletId, accountId: string) => AccountHealth
  /** The wallet this customer paid with last time, if known. */
  lastUsedWallet: WalletId | null
  /** Whether a provider can serve this wallet and method in this mode. */
  channelExists: (wallet: WalletId, method: PaymentMethod, mode: ProviderMode) => boolean
}

/** An option with the wallet's place in the merchant's list, which ranking and the unavailable list use. */
interface Candidate {
  option: PaymentOption
  displayOrder: number
}

const COUNTER_ONLY: readonly PaymentMethod[] = ['payment-code', 'cash']

/**
 * The heart of checkout: for one order, every accepted wallet is either offered — with its methods,
 * the merchant's fee and the customer's cost — or listed unavailable with a coded reason. Available
 * options are ranked by the merchant's criteria, each placement explained. Pure and deterministic.
 */
export function routeOrder(
  order: RoutedOrder,
  wallets: readonly WalletConfig[],
  settings: RoutingSettingsData,
  facts: RoutingFacts,
): PaymentOption[] {
  const available: Candidate[] = []
  const unavailable: Candidate[] = []
  for (const config of wallets) {
    if (!config.accepted) continue
    const option = evaluate(order, config, settings, facts)
    ;(option.available ? available : unavailable).push({ option, displayOrder: config.displayOrder })
  }
  available.sort((a, b) => compare(a, b, settings.ranking, facts.lastUsedWallet))
  available.forEach((candidate, index) => {
    candidate.option.rank = index + 1
    candidate.option.rankReasons = settings.ranking.map((criterion) =>
      explain(criterion, candidate, facts.lastUsedWallet),
    )
  })
  unavailable.sort((a, b) => a.displayOrder - b.displayOrder)
  return [...available, ...unavailable].map((candidate) => candidate.option)
}

// Options are written out field by field, never spread from a shared base: an object literal with a spread in it
// defines each later property through the runtime, which made routing a checkout's seven wallets cost about
// 120 µs, a fifth of the checkout's CPU (now under 2 µs).
function unavailableOption(
  config: WalletConfig,
  reason: NonNullable<PaymentOption['reason']>,
  reasonDetail: string | null = null,
): PaymentOption {
  return {
    wallet: config.wallet,
    mode: config.mode,
    rank: null,
    rankReasons: [],
    available: false,
    reason,
    reasonDetail,
    methods: [],
    feeRateBp: null,
    merchantFeeFen: null,
    customerCostFen: null,
    accountId: null,
  }
}

function evaluate(
  order: RoutedOrder,
  config: WalletConfig,
  settings: RoutingSettingsData,
  facts: RoutingFacts,
): PaymentOption {
  if (config.contractStatus !== 'signed') return unavailableOption(config, 'NOT_SIGNED', config.contractStatus)
  const methods = WALLET_METHODS[config.wallet].filter((m) => order.context === 'counter' || !COUNTER_ONLY.includes(m))
  if (!methods.length) return unavailableOption(config, 'CONTEXT_UNSUPPORTED', order.context)
  const served = methods.filter((m) => m === 'cash' || facts.channelExists(config.wallet, m, config.mode))
  if (!served.length) return unavailableOption(config, 'CHANNEL_UNAVAILABLE', config.mode)

  const minFen = Math.max(config.minFen, config.huabei?.minOrderFen ?? 0)
  if (order.totalFen < minFen) return unavailableOption(config, 'AMOUNT_BELOW_MIN', String(minFen))
  if (config.maxFen !== null && order.totalFen > config.maxFen)
    return unavailableOption(config, 'AMOUNT_ABOVE_MAX', String(config.maxFen))
  if (config.dailyCapFen !== null && facts.takenTodayFen(config.wallet) + order.totalFen > config.dailyCapFen) {
    return unavailableOption(config, 'DAILY_CAP_REACHED', String(config.dailyCapFen))
  }
  const excluded = excludedLine(order, config)
  if (excluded) return unavailableOption(config, 'PRODUCT_EXCLUDED', excluded)
  if (!inRollout(order.customerRef, config.wallet, config.rolloutPercent)) {
    return unavailableOption(config, 'NOT_IN_ROLLOUT', String(config.rolloutPercent))
  }

  let accountId: string | null = null
  let feeRateBp = config.feeRateBp
  if (config.wallet !== 'cash') {
    const choice = chooseAccount(config, facts, settings.accountHealth, facts.now, order.key)
    if (!choice.ok) return unavailableOption(config, choice.reason)
    accountId = choice.account.id
    feeRateBp = choice.feeRateBp
  }

  const baseFeeFen = applyRateBp(order.totalFen, feeRateBp)
  const optionMethods: OptionMethod[] = [...served]
  if (friendPayAllowed(order, config, settings.friendPay) && served.includes('qr')) optionMethods.push('friend-pay')
  const option: PaymentOption = {
    wallet: config.wallet,
    mode: config.mode,
    rank: null,
    rankReasons: [],
    available: true,
    reason: null,
    reasonDetail: null,
    methods: optionMethods,
    feeRateBp,
    merchantFeeFen: baseFeeFen,
    customerCostFen: order.totalFen,
    accountId,
  }
  if (config.huabei) addInstallments(option, order, config.huabei, baseFeeFen)
  return option
}

/** Huabei: the plans offered, and the fee and cost of the shortest one (what the option shows). */
function addInstallments(
  option: PaymentOption,
  order: RoutedOrder,
  huabei: NonNullable<WalletConfig['huabei']>,
  baseFeeFen: number,
): void {
  const plans = [...huabei.periods]
    .sort((a, b) => a - b)
    .map((periods) =>
      computeInstallmentPlan(
        order.totalFen,
        periods,
        huabei.feeRatesBp[String(periods) as '3' | '6' | '12'],
        huabei.feeBearer,
      ),
    )
  option.methods.push('installments')
  const shortest = present(plans[0], 'a Huabei plan (the settings require one period at least)')
  option.merchantFeeFen = baseFeeFen + shortest.merchantFeeFen
  option.customerCostFen = shortest.customerTotalFen
  option.installmentPlans = plans
}

/** Whether a friend may pay this order with this wallet: store switch, wallet switch, amount cap, product rules. */
function friendPayAllowed(order: RoutedOrder, config: WalletConfig, rules: RoutingSettingsData['friendPay']): boolean {
  if (!rules.enabled || !config.friendPay || config.huabei) return false
  if (order.totalFen > rules.maxFen) return false
  return !order.lines.some(
    (line) =>
      (line.sku !== null && rules.excludeSkus.includes(line.sku)) ||
      (line.category !== null && rules.excludeCategories.includes(line.category)),
  )
}

/** The first line the wallet's product rules exclude (its SKU or name), or null. */
function excludedLine(order: RoutedOrder, config: WalletConfig): string | null {
  const rules = config.productRules
  for (const line of order.lines) {
    if (line.sku !== null && rules.excludeSkus.includes(line.sku)) return line.sku
    if (line.category !== null && rules.excludeCategories.includes(line.category)) return line.category
    if (rules.onlyCategories.length && (line.category === null || !rules.onlyCategories.includes(line.category))) {
      return line.category ?? line.sku ?? '?'
    }
  }
  return null
}

function compare(
  a: Candidate,
  b: Candidate,
  ranking: RoutingSettingsData['ranking'],
  lastUsed: WalletId | null,
): number {
  for (const criterion of ranking) {
    const diff =
      criterion === 'last_used'
        ? Number(b.option.wallet === lastUsed) - Number(a.option.wallet === lastUsed)
        : criterion === 'priority'
          ? a.displayOrder - b.displayOrder
          : (a.option.merchantFeeFen ?? 0) - (b.option.merchantFeeFen ?? 0)
    if (diff !== 0) return diff
  }
  return WALLET_IDS.indexOf(a.option.wallet) - WALLET_IDS.indexOf(b.option.wallet)
}

function explain(
  criterion: RoutingSettingsData['ranking'][number],
  candidate: Candidate,
  lastUsed: WalletId | null,
): string {
  if (criterion === 'last_used') return `last_used:${candidate.option.wallet === lastUsed ? 'yes' : 'no'}`
  if (criterion === 'priority') return `priority:${candidate.displayOrder}`
  return `lowest_cost:${candidate.option.merchantFeeFen}`
}
