import type { AttemptRow } from './queries'

/**
 * One wallet channel: a provider (a wallet in one mode) and the merchant account a payment went through. Queries
 * to one channel go one after another; channels never wait for each other, so a hanging gateway delays only its
 * own payments.
 */
export const channelOf = (attempt: Pick<AttemptRow, 'provider' | 'account_id'>): string =>
  `${attempt.provider}|${attempt.account_id ?? ''}`

/** How many channels are asked at the same time. */
export const CHANNELS_AT_ONCE = 4

/** Runs `work` for every item: items of one channel in their order, up to `concurrency` channels at once. */
export async function runByChannel<T>(
  items: readonly T[],
  channel: (item: T) => string,
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const lanes = new Map<string, T[]>()
  for (const item of items) {
    const key = channel(item)
    const lane = lanes.get(key)
    if (lane) lane.push(item)
    else lanes.set(key, [item])
  }
  const waiting = [...lanes.values()]
  const worker = async (): Promise<void> => {
    for (let lane = waiting.shift(); lane; lane = waiting.shift()) {
      for (const item of lane) await work(item)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, waiting.length) }, worker))
}

export interface CircuitBreakers {
  /** True while a channel that kept failing is left alone. */
  isOpen(channel: string, now: number): boolean
  succeeded(channel: string): void
  failed(channel: string, now: number): void
}

export interface BreakerPolicy {
  /** Failures in a row that open the breaker. */
  failuresToOpen: number
  /** How long an open breaker leaves the channel alone before one call is tried again. */
  openMs: number
}

export const DEFAULT_BREAKER_POLICY: BreakerPolicy = { failuresToOpen: 3, openMs: 30_000 }

/**
 * A breaker per channel: after `failuresToOpen` failures in a row, the channel is not asked for `openMs`; then one
 * call is let through — a success closes the breaker, a failure opens it again.
 */
export function createCircuitBreakers(policy: BreakerPolicy = DEFAULT_BREAKER_POLICY): CircuitBreakers {
  const channels = new Map<string, { failures: number; openUntil: number }>()
  return {
    isOpen: (channel, now) => (channels.get(channel)?.openUntil ?? 0) > now,
    succeeded: (channel) => void channels.delete(channel),
    failed(channel, now) {
      const state = channels.get(channel) ?? { failures: 0, openUntil: 0 }
      state.failures++
      if (state.failures >= policy.failuresToOpen) state.openUntil = now + policy.openMs
      channels.set(channel, state)
    },
  }
}
