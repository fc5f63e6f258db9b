import { onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue'
import { createIdleLock, type IdleClock } from '../lib/idleLock'
import { useCheckoutStore } from '../stores/checkout'
import { useSessionStore } from '../stores/session'

const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const

/**
 * Signs the member out after the owner's auto-lock minutes without pointer or keyboard input — but not while a
 * customer is paying: then the lock waits for the checkout to end. Returns whether it is waiting so.
 */
export function useAutoLock(clock?: IdleClock): { waitingForCheckout: Ref<boolean> } {
  const session = useSessionStore()
  const checkout = useCheckoutStore()
  const waitingForCheckout = ref(false)
  const idle = createIdleLock(
    {
      busy: () => checkout.live,
      lock: () => void session.signOut('locked'),
      onWaiting: (waiting) => (waitingForCheckout.value = waiting),
    },
    clock,
  )
  const onActivity = (): void => idle.activity()

  watch(
    () => session.autoLockMinutes,
    (minutes) => (minutes === null ? idle.stop() : idle.start(minutes * 60_000)),
    { immediate: true },
  )
  watch(
    () => checkout.live,
    (live) => live || idle.settled(),
  )

  onMounted(() => {
    for (const type of ACTIVITY_EVENTS) window.addEventListener(type, onActivity, { capture: true, passive: true })
  })
  onBeforeUnmount(() => {
    idle.stop()
    for (const type of ACTIVITY_EVENTS) window.removeEventListener(type, onActivity, { capture: true })
  })
  return { waitingForCheckout }
}
