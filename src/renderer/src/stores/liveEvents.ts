import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { EngineEvent } from '../../../shared/api/types'
import { friendPaidNotice, type FriendPaidNotice } from '../lib/friendPay'
import { getConnection } from '../services/connection'
import { useCheckoutStore } from './checkout'
import { useDaysStore } from './days'
import { useDevicesStore } from './devices'
import { useFriendPayStore } from './friendPay'
import { useOrdersStore } from './orders'
import { useSettingsStore } from './settings'
import { useShiftStore } from './shift'
import { useReportsStore } from './reports'

/** The one subscriber to the engine's live events; it hands each event to the stores it concerns. */
export const useLiveEventsStore = defineStore('liveEvents', () => {
  const lastSeq = ref<number | null>(null)
  /** The latest payment by a friend (the app shell tells the cashier when the order is not on screen). */
  const friendPaid = ref<FriendPaidNotice | null>(null)
  let unsubscribe: (() => void) | null = null
  /** Others that follow every event (the payment announcer). */
  const listeners = new Set<(event: EngineEvent) => void>()

  function route(event: EngineEvent): void {
    lastSeq.value = event.seq
    friendPaid.value = friendPaidNotice(event) ?? friendPaid.value
    useCheckoutStore().applyEvent(event)
    useOrdersStore().applyEvent(event)
    useSettingsStore().applyEvent(event)
    useFriendPayStore().applyEvent(event)
    useShiftStore().applyEvent(event)
    useDaysStore().applyEvent(event)
    useReportsStore().applyEvent(event)
    if (event.type === 'device.paired' || event.type === 'device.revoked') useDevicesStore().onDeviceEvent()
    for (const listener of listeners) listener(event)
  }

  /** Follows every live event from now on; returns how to stop. */
  function listen(listener: (event: EngineEvent) => void): () => void {
    listeners.add(listener)
    return () => listeners.delete(listener)
  }

  function start(): void {
    const api = getConnection().api
    if (!api || unsubscribe) return
    unsubscribe = api.subscribe(route)
  }

  function stop(): void {
    unsubscribe?.()
    unsubscribe = null
  }

  return { lastSeq, friendPaid, start, stop, listen }
})
