import type { WalletConfig } from '../../shared/api/types'
import { rolloutBucket } from '../../shared/rollout'
import { present } from '../../shared/assert'

type Account = WalletConfig['accounts'][number]

/** Recent outcomes of one merchant account (succeeded vs failed payments in the health window). */
export interface AccountHealth {
  successes: number
  failures: number
  lastFailureAt: number | null
}

export interface HealthPolicy {
  windowMinutes: number
  minAttempts: number
  minSuccessPercent: number
  cooldownMinutes: number
}

export const NO_HISTORY: AccountHealth = { successes: 0, failures: 0, lastFailureAt: null }

/**
 * An account is demoted while its recent success rate is below the threshold (with enough attempts to
 * judge); once the cooldown since its last failure has passed it is tried again.
 */
export function isDemoted(health: AccountHealth, policy: HealthPolicy, now: number): boolean {
  const attempts = health.successes + health.failures
  if (attempts < policy.minAttempts) return false
  if (health.successes * 100 >= policy.minSuccessPercent * attempts) return false
  return health.lastFailureAt !== null && now - health.lastFailureAt < policy.cooldownMinutes * 60_000
}

export type AccountChoice =
  | { ok: true; account: Account; feeRateBp: number; reason: string }
  | { ok: false; reason: 'NO_ACCOUNT' | 'CHANNEL_UNHEALTHY' }

const byPriority = (a: Account, b: Account): number =>
  a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/** The fee rate of an account: its own, or the wallet's. */
function feeOf(config: WalletConfig, account: Account): number {
  return account.feeRateBp ?? config.feeRateBp
}

function picked(config: WalletConfig, account: Account, reason: string): AccountChoice {
  return { ok: true, account, feeRateBp: feeOf(config, account), reason }
}

/** Successes over attempts as a fraction in integers; an account without history counts as 100 %. */
function successRate(health: AccountHealth): [number, number] {
  const attempts = health.successes + health.failures
  return attempts === 0 ? [1, 1] : [health.successes, attempts]
}

/** Where routing learns an account's recent outcomes (RoutingFacts). */
export interface AccountHealthSource {
  accountHealth(wallet: WalletConfig['wallet'], accountId: string): AccountHealth
}

/**
 * Picks the merchant account a payment of this wallet goes through, by the wallet's strategy, skipping
 * demoted accounts (fallback). Deterministic: the same inputs always give the same account.
 */
export function chooseAccount(
  config: WalletConfig,
  facts: AccountHealthSource,
  policy: HealthPolicy,
  now: number,
  orderKey: string,
): AccountChoice {
  const enabled = config.accounts.filter((a) => a.enabled).sort(byPriority)
  if (!enabled.length) return { ok: false, reason: 'NO_ACCOUNT' }
  const healthy = enabled.filter((a) => !isDemoted(facts.accountHealth(config.wallet, a.id), policy, now))
  if (!healthy.length) return { ok: false, reason: 'CHANNEL_UNHEALTHY' }

  switch (config.accountStrategy) {
    case 'priority':
      return picked(
        config,
        present(healthy[0], 'a healthy account'),
        healthy[0] === enabled[0] ? 'priority' : 'priority_fallback',
      )
    case 'least_cost': {
      const cheapest = [...healthy].sort((a, b) => feeOf(config, a) - feeOf(config, b) || byPriority(a, b))[0]
      return picked(config, present(cheapest, 'a healthy account'), 'least_cost')
    }
    case 'success_rate': {
      const best = [...healthy].sort((a, b) => {
        const [sa, ta] = successRate(facts.accountHealth(config.wallet, a.id))
        const [sb, tb] = successRate(facts.accountHealth(config.wallet, b.id))
        return sb * ta - sa * tb || byPriority(a, b)
      })[0]
      return picked(config, present(best, 'a healthy account'), 'success_rate')
    }
    case 'split': {
      const bucket = rolloutBucket(orderKey, `split:${config.wallet}`)
      const byId = [...enabled].sort((a, b) => (a.id < b.id ? -1 : 1))
      let cumulative = 0
      const target = byId.find((a) => (cumulative += a.splitPercent) > bucket) ?? byId.at(-1)
      if (target && healthy.includes(target)) return picked(config, target, 'split')
      return picked(config, present(healthy[0], 'a healthy account'), 'split_fallback')
    }
  }
}
