import { computed, onBeforeUnmount, watch } from 'vue'
import { useI18n } from 'vue-i18n'
import { useRoute } from 'vue-router'
import type { WalletId } from '../../../shared/wallets'
import type { DisplayState } from '../../../shared/display'
import { displayStateOf } from '../lib/displayFeed'
import { requireApi } from '../services/connection'
import { useCartStore } from '../stores/cart'
import { useCheckoutStore } from '../stores/checkout'
import { useFriendPayStore } from '../stores/friendPay'
import { useSessionStore } from '../stores/session'

/** Changes closer together than this go to the display as one (a quantity typed digit by digit, a scan burst). */
const DEBOUNCE_MS = 40

/**
 * Publishes what the customer should see — the cart as it is built, the amount due, the QR codes, the result —
 * for this till's customer display, whenever it changes. Installed once, in the app shell.
 */
export function useCustomerDisplayFeed(): void {
  const cart = useCartStore()
  const checkout = useCheckoutStore()
  const friendPay = useFriendPayStore()
  const session = useSessionStore()
  const { t } = useI18n()
  const route = useRoute()

  /**
   * The order being paid, while the till shows it (checkout, the paid screen): back at the cashier screen the
   * customer sees the cart again as it changes, not an order the cashier has stepped away from.
   */
  const orderOnScreen = computed(() => {
    const order = checkout.order
    const onScreen = route.name === 'checkout' || route.name === 'receipt'
    return order && onScreen && route.params.orderId === order.id ? order : null
  })

  const codeLabel = (wallet: WalletId | null, installments: number | null): string => {
    const name = wallet ? t(`wallets.${wallet}`) : t('display.anyWallet')
    return installments ? `${name} · ${t('receipt.installmentsValue', { n: installments })}` : name
  }

  const state = computed<DisplayState>(() =>
    displayStateOf({
      cartLines: cart.lines,
      keyedAmounts: cart.keyedAmounts,
      cartTotalFen: cart.totalFen,
      order: orderOnScreen.value,
      panels: checkout.panels,
      options: checkout.options,
      friendRequest: orderOnScreen.value ? friendPay.forOrder(orderOnScreen.value.id) : null,
      keyedName: t('receipt.keyedAmount'),
      codeLabel,
    }),
  )

  let timer: ReturnType<typeof setTimeout> | null = null
  let lastSent = ''

  async function publish(): Promise<void> {
    timer = null
    if (!session.can('sell')) return
    const snapshot = state.value
    const key = JSON.stringify(snapshot)
    if (key === lastSent) return
    lastSent = key
    try {
      await requireApi().call('display.publish', { state: snapshot })
    } catch (error) {
      // The display keeps its last picture; the next change (or sign-in) publishes again in full.
      lastSent = ''
      console.warn('[display] the customer display was not updated:', error)
    }
  }

  watch(
    [state, () => session.can('sell')],
    () => {
      // Signed out: the next member's first picture goes out in full.
      if (!session.can('sell')) lastSent = ''
      if (timer) clearTimeout(timer)
      timer = setTimeout(() => void publish(), DEBOUNCE_MS)
    },
    { immediate: true },
  )
  onBeforeUnmount(() => {
    if (timer) clearTimeout(timer)
  })
}
