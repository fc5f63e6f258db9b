import { onBeforeUnmount, watch } from 'vue'
import { useI18n } from 'vue-i18n'
import type { EngineEvent } from '../../../shared/api/types'
import {
  announcementWords,
  friendPaidAttempt,
  paidAnnouncement,
  RecentIds,
  type Announcement,
} from '../lib/announcement'
import { announce } from '../services/speech'
import { loadIdList, saveIdList, voiceSettings } from '../services/voiceSettings'
import { useCheckoutStore } from '../stores/checkout'
import { useLiveEventsStore } from '../stores/liveEvents'

const SPOKEN_KEY = 'hutong.voice.spoken'
const MINE_KEY = 'hutong.voice.mine'
/** A friend's payment is told by the event after `order.paid` (same transaction): wait for it this long. */
const FRIEND_WINDOW_MS = 150

/**
 * 收款语音播报: says each payment the moment its order is paid — "微信收款 14.50 元", "朋友代付 14.50 元" —
 * once per payment however often its event arrives (duplicates, replays after a reconnect or a reload), and
 * by default only on the till that rang the order up (设置 → 语音播报 can make a till announce every order).
 */
export function usePaymentAnnouncer(): void {
  const { t, locale } = useI18n()
  const checkout = useCheckoutStore()
  const spoken = new RecentIds(loadIdList(SPOKEN_KEY), 200)
  const mine = new RecentIds(loadIdList(MINE_KEY), 100)
  const waiting = new Map<string, { announcement: Announcement; timer: ReturnType<typeof setTimeout> }>()

  watch(
    () => checkout.order?.id,
    (orderId) => {
      if (orderId && mine.add(orderId)) saveIdList(MINE_KEY, mine.list())
    },
    { immediate: true },
  )

  function concernsThisTill(a: Announcement): boolean {
    return voiceSettings.scope === 'all' || (a.orderId !== null && mine.has(a.orderId))
  }

  function say(a: Announcement): void {
    waiting.delete(a.id)
    const words = announcementWords(a)
    const text = t(words.key, { wallet: t(words.wallet), amount: words.amount })
    announce(text, locale.value, voiceSettings.volume / 100)
  }

  function hear(event: EngineEvent): void {
    const friendAttempt = friendPaidAttempt(event)
    const held = friendAttempt ? waiting.get(friendAttempt) : undefined
    if (held) held.announcement.byFriend = true
    const a = paidAnnouncement(event)
    if (!a || !voiceSettings.enabled || !concernsThisTill(a)) return
    if (!spoken.add(a.id)) return
    saveIdList(SPOKEN_KEY, spoken.list())
    waiting.set(a.id, { announcement: a, timer: setTimeout(() => say(a), FRIEND_WINDOW_MS) })
  }

  const stop = useLiveEventsStore().listen(hear)
  onBeforeUnmount(() => {
    stop()
    for (const { timer } of waiting.values()) clearTimeout(timer)
  })
}
