import { computed, type ComputedRef, type MaybeRefOrGetter, toValue } from 'vue'
import { formatCountdown, formatLongCountdown } from '../lib/countdown'
import { useNow } from './useNow'

export interface Countdown {
  remainingMs: ComputedRef<number>
  /** "mm:ss" */
  label: ComputedRef<string>
  /** "h:mm:ss", or "mm:ss" under an hour */
  longLabel: ComputedRef<string>
  expired: ComputedRef<boolean>
}

/** Time left until an ISO deadline; null counts as no deadline (never expired). */
export function useCountdown(deadline: MaybeRefOrGetter<string | null | undefined>): Countdown {
  const now = useNow(250)
  const remainingMs = computed(() => {
    const iso = toValue(deadline)
    return iso ? Math.max(0, Date.parse(iso) - now.value) : Number.POSITIVE_INFINITY
  })
  return {
    remainingMs,
    label: computed(() => (Number.isFinite(remainingMs.value) ? formatCountdown(remainingMs.value) : '')),
    longLabel: computed(() => (Number.isFinite(remainingMs.value) ? formatLongCountdown(remainingMs.value) : '')),
    expired: computed(() => remainingMs.value <= 0),
  }
}
