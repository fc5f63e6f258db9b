import { onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue'
import { IDLE_DISPLAY, type DisplayState } from '../../../shared/display'
import { nextDisplayState, PAID_HOLD_MS, paidFromEvent } from '../lib/customerDisplay'
import { getConnection } from '../services/connection'

/**
 * The customer display's picture for one till: the till's published state (the current one first, so a display
 * opened mid-sale catches up, then each change), and payments of the order on screen straight from the engine.
 */
export function useDisplayState(tillId: Ref<string | null>): Ref<DisplayState> {
  const state = ref<DisplayState>(IDLE_DISPLAY)
  let paidSince: number | null = null
  let backToIdle: ReturnType<typeof setTimeout> | null = null
  let stopDisplay: (() => void) | null = null
  let stopEvents: (() => void) | null = null

  function show(next: DisplayState): void {
    state.value = nextDisplayState(state.value, next, paidSince, Date.now())
    if (state.value.phase !== 'paid') {
      paidSince = null
      return
    }
    if (paidSince !== null) return
    paidSince = Date.now()
    if (backToIdle) clearTimeout(backToIdle)
    backToIdle = setTimeout(() => {
      backToIdle = null
      paidSince = null
      if (state.value.phase === 'paid') show(IDLE_DISPLAY)
    }, PAID_HOLD_MS)
  }

  function follow(id: string | null): void {
    stopDisplay?.()
    stopDisplay = null
    state.value = IDLE_DISPLAY
    paidSince = null
    const api = getConnection().api
    if (id && api) stopDisplay = api.subscribeDisplay(id, (snapshot) => show(snapshot.state))
  }

  onMounted(() => {
    stopEvents =
      getConnection().api?.subscribe((event) => {
        const paid = paidFromEvent(state.value, event)
        if (paid) show(paid)
      }) ?? null
  })
  watch(tillId, follow, { immediate: true })
  onBeforeUnmount(() => {
    stopDisplay?.()
    stopEvents?.()
    if (backToIdle) clearTimeout(backToIdle)
  })
  return state
}
