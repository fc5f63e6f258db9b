import { computed, ref, type Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { useRouter } from 'vue-router'
import type { Order } from '../../../shared/api/types'
import { EngineError } from '../../../shared/errors'
import { formatFen } from '../../../shared/money'
import type { FormError } from '../lib/formErrors'
import { friendPayIssueFields, friendPayOffered, type FriendPayInput } from '../lib/friendPay'
import { useCartStore } from '../stores/cart'
import { useCheckoutStore } from '../stores/checkout'
import { useFriendPayStore } from '../stores/friendPay'
import { useSettingsStore } from '../stores/settings'
import { useErrorText, useErrorToast } from './useErrorToast'
import { usePolling } from './usePolling'

/** The friend's payment arrives as live events; polling is only the safety net for a dropped stream. */
const FRIEND_POLL_INTERVAL_MS = 5000

/** What the checkout screen shows instead of the payment methods: nothing, the friend-pay form, or the request. */
export type FriendView = 'none' | 'form' | 'panel'

/**
 * Asking a friend to pay, from the checkout screen: the form, the open request's panel, cancelling it, and
 * moving on to the next customer while the friend pays later.
 */
export function useFriendPayFlow(
  order: Ref<Order | null>,
  options: {
    /** Asks before something that cannot be undone; true when the cashier confirms. */
    confirm: (message: string, title: string, yes: string) => Promise<boolean>
    /** Hands the keyboard back to the payment-code field. */
    focusIdle: () => void
  },
) {
  const { t } = useI18n()
  const router = useRouter()
  const checkout = useCheckoutStore()
  const friendPay = useFriendPayStore()
  const settings = useSettingsStore()
  const cart = useCartStore()
  const showError = useErrorToast()
  const errorText = useErrorText()

  const view = ref<FriendView>('none')
  const error = ref<string | null>(null)
  const fieldErrors = ref<FormError[]>([])

  const request = computed(() => (order.value ? friendPay.forOrder(order.value.id) : null))
  const offered = computed(() => friendPayOffered(checkout.options))
  /** Why the entry is shown but greyed out: the order is above the friend-pay limit. */
  const overLimit = computed(() => {
    const rules = settings.routing?.friendPay
    if (offered.value || !order.value || !rules?.enabled || order.value.totalFen <= rules.maxFen) return null
    return t('friendPay.refusals.AMOUNT_ABOVE_MAX', { max: formatFen(rules.maxFen) })
  })
  /** The entry under the payment methods, or null when friend pay is off for this order. */
  const entry = computed(() =>
    offered.value || overLimit.value
      ? {
          disabled: !offered.value,
          hint:
            overLimit.value ?? (request.value?.status === 'open' ? t('friendPay.entryOpen') : t('friendPay.entryHint')),
        }
      : null,
  )
  const live = computed(() => view.value === 'panel' && request.value?.status === 'open')

  usePolling(
    () => live.value,
    async () => {
      const current = request.value
      if (current) await Promise.all([friendPay.load(current.id), checkout.refresh()])
    },
    FRIEND_POLL_INTERVAL_MS,
  )

  function clearErrors(): void {
    error.value = null
    fieldErrors.value = []
  }

  /** Coming back to an order a friend was asked to pay: show that request rather than the methods. */
  async function resume(orderId: string): Promise<void> {
    const loaded = await friendPay.loadForOrder(orderId).catch(() => null)
    if (loaded?.status === 'open' && checkout.panels.length === 0 && !checkout.isFinal) view.value = 'panel'
  }

  function open(): void {
    clearErrors()
    view.value = request.value?.status === 'open' ? 'panel' : 'form'
  }

  /** A new request in place of one that ended or was locked by wrong answers. */
  function startOver(): void {
    clearErrors()
    view.value = 'form'
  }

  function close(): void {
    view.value = 'none'
    options.focusIdle()
  }

  /** The friend pays later: the till moves on; the request stays under Orders → Friend pay. */
  function nextOrder(): void {
    cart.clear()
    checkout.reset()
    void router.push({ name: 'cashier' })
  }

  async function create(input: FriendPayInput): Promise<void> {
    clearErrors()
    try {
      await friendPay.create(input)
      view.value = 'panel'
      // The order now stays payable until the request's deadline.
      void checkout.refresh().catch(() => undefined)
    } catch (failure) {
      if (failure instanceof EngineError && failure.code === 'VALIDATION_FAILED')
        fieldErrors.value = friendPayIssueFields(failure.details)
      error.value = errorText(failure)
      if (failure instanceof EngineError && failure.code === 'ORDER_NOT_PAYABLE')
        void checkout.refresh().catch(() => undefined)
    }
  }

  async function cancel(): Promise<void> {
    const current = request.value
    if (!current) return
    if (!(await options.confirm(t('friendPay.cancelConfirm'), t('friendPay.cancel'), t('friendPay.cancelConfirmYes'))))
      return
    try {
      await friendPay.cancel(current.id)
    } catch (failure) {
      showError(failure)
      // Cancelling fails once the friend has paid: the order's state tells the rest.
      void checkout.refresh().catch(() => undefined)
    }
  }

  function refresh(): void {
    const current = request.value
    if (current) void friendPay.load(current.id).catch(() => undefined)
  }

  return {
    view,
    error,
    fieldErrors,
    request,
    entry,
    resume,
    open,
    startOver,
    close,
    nextOrder,
    create,
    cancel,
    refresh,
  }
}
