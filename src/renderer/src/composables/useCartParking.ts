import { ElMessage, ElMessageBox } from 'element-plus'
import { computed, onBeforeUnmount, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { type CartSnapshot, useCartStore } from '../stores/cart'
import { useParkedCartsStore } from '../stores/parkedCarts'

const UNDO_WINDOW_MS = 6000

/**
 * The cart's side actions at the till: park it (挂单) with a note, bring a parked one back (取单), and take
 * back a 清空 for a few seconds.
 */
export function useCartParking() {
  const { t } = useI18n()
  const cart = useCartStore()
  const parked = useParkedCartsStore()
  const listOpen = ref(false)
  const prompting = ref(false)
  const cleared = ref<CartSnapshot | null>(null)
  let undoTimer: ReturnType<typeof setTimeout> | undefined

  /** A dialog has the keyboard: the till's shortcuts wait. */
  const busy = computed(() => listOpen.value || prompting.value)

  function parkCurrent(note: string): boolean {
    const ok = parked.park(cart.snapshot(), { totalFen: cart.totalFen, itemCount: cart.itemCount }, note)
    if (!ok) ElMessage({ type: 'warning', message: t('cart.parkFull', { max: parked.max }) })
    else cart.clear()
    return ok
  }

  async function askNote(): Promise<string | null> {
    prompting.value = true
    try {
      const { value } = await ElMessageBox.prompt(t('cart.parkNoteLabel'), t('cart.park'), {
        confirmButtonText: t('cart.park'),
        cancelButtonText: t('checkout.cancelConfirmNo'),
        inputPlaceholder: t('cart.parkNotePlaceholder'),
        inputValidator: (text: string) => (text ?? '').length <= 40 || t('cart.parkNoteTooLong'),
      })
      return value ?? ''
    } catch {
      // Cancelled: nothing is parked and the cart stays as it was.
      return null
    } finally {
      prompting.value = false
    }
  }

  async function park(): Promise<void> {
    if (cart.isEmpty || busy.value) return
    const note = await askNote()
    if (note !== null && parkCurrent(note)) ElMessage({ type: 'success', message: t('cart.parked'), grouping: true })
  }

  function openList(): void {
    if (!prompting.value) listOpen.value = true
  }

  /** Brings a parked cart back; the cart on the till, if any, is parked in its place. */
  function resume(id: string): void {
    if (!cart.isEmpty && !parkCurrent('')) return
    const entry = parked.take(id)
    if (entry) cart.restore(entry.cart)
    listOpen.value = false
  }

  function clearWithUndo(): void {
    if (cart.isEmpty) return
    cleared.value = cart.snapshot()
    cart.clear()
    clearTimeout(undoTimer)
    undoTimer = setTimeout(() => (cleared.value = null), UNDO_WINDOW_MS)
  }

  function undoClear(): void {
    const saved = cleared.value
    if (!saved || !cart.isEmpty) return
    cart.restore(saved)
    cleared.value = null
    clearTimeout(undoTimer)
  }

  onBeforeUnmount(() => clearTimeout(undoTimer))

  return {
    listOpen,
    busy,
    canUndo: computed(() => cleared.value !== null && cart.isEmpty),
    park,
    openList,
    resume,
    clearWithUndo,
    undoClear,
  }
}
