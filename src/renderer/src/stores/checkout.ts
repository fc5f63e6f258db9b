import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { CreatedPayment, EngineEvent, Order, PaymentAttempt, PaymentOption } from '../../../shared/api/types'
import { FINAL_ORDER_STATUSES, type AttemptStatus } from '../../../shared/states'
import type { WalletId } from '../../../shared/wallets'
import type { CreateOrderRequest } from '../lib/cart'
import { attemptStatusAfter, eventWallet, isUserPayingEvent, orderStatusAfter } from '../lib/engineEvents'
import { requireApi } from '../services/connection'

/** The payment attempt whose QR code is on screen. */
export interface ActiveAttempt {
  id: string
  wallet: WalletId
  amountFen: number
  qrContent: string
  expiresAt: string
  status: AttemptStatus
  userPaying: boolean
}

function fromCreated(created: CreatedPayment): ActiveAttempt {
  return { ...pick(created), qrContent: created.qrContent, userPaying: false }
}

function fromAttempt(attempt: PaymentAttempt & { qrContent: string }): ActiveAttempt {
  return { ...pick(attempt), qrContent: attempt.qrContent, userPaying: false }
}

function pick(a: CreatedPayment | PaymentAttempt): Omit<ActiveAttempt, 'qrContent' | 'userPaying'> {
  return { id: a.id, wallet: a.wallet, amountFen: a.amountFen, expiresAt: a.expiresAt, status: a.status }
}

/** The order being paid: its payment options, the QR attempt on screen and their live status. */
export const useCheckoutStore = defineStore('checkout', () => {
  const order = ref<Order | null>(null)
  const options = ref<PaymentOption[]>([])
  const selectedWallet = ref<WalletId | null>(null)
  const attempt = ref<ActiveAttempt | null>(null)
  const busy = ref(false)

  const orderId = computed(() => order.value?.id ?? null)
  const isFinal = computed(() => order.value !== null && FINAL_ORDER_STATUSES.includes(order.value.status))
  const availableOptions = computed(() => options.value.filter((option) => option.available))

  function reset(): void {
    order.value = null
    options.value = []
    selectedWallet.value = null
    attempt.value = null
  }

  async function createOrder(request: CreateOrderRequest): Promise<Order> {
    const created = await requireApi().call('orders.create', request)
    reset()
    order.value = created
    return created
  }

  /** Loads an order for paying; picks up a QR code still live for it (after a reload, say). */
  async function load(id: string): Promise<void> {
    const api = requireApi()
    if (order.value?.id !== id) reset()
    const [detail, payable] = await Promise.all([
      api.call('orders.get', { id }),
      api.call('orders.paymentOptions', { id }),
    ])
    order.value = detail
    options.value = payable.options
    if (!selectedWallet.value || !payable.options.some((o) => o.wallet === selectedWallet.value && o.available)) {
      selectedWallet.value = payable.options.find((o) => o.available)?.wallet ?? null
    }
    if (!attempt.value) {
      const live = detail.attempts.find(
        (a): a is PaymentAttempt & { qrContent: string } =>
          a.status === 'pending' && a.qrContent !== null && Date.parse(a.expiresAt) > Date.now(),
      )
      if (live) {
        attempt.value = fromAttempt(live)
        selectedWallet.value = live.wallet
      }
    }
  }

  function select(wallet: WalletId): void {
    if (options.value.some((o) => o.wallet === wallet && o.available)) selectedWallet.value = wallet
  }

  /** Moves the selection through the available wallets (arrow keys). */
  function moveSelection(step: 1 | -1): void {
    const available = availableOptions.value
    if (available.length === 0) return
    const index = available.findIndex((o) => o.wallet === selectedWallet.value)
    const next = available[(index + step + available.length) % available.length]
    if (next) selectedWallet.value = next.wallet
  }

  async function startPayment(): Promise<void> {
    const current = order.value
    const wallet = selectedWallet.value
    if (!current || !wallet || busy.value) return
    busy.value = true
    try {
      const created = await requireApi().call('payments.create', { id: current.id, wallet, method: 'qr' })
      attempt.value = fromCreated(created)
      if (order.value?.id === current.id && order.value.status === 'open') order.value.status = 'awaiting_payment'
    } finally {
      busy.value = false
    }
  }

  /** Takes the QR code off screen, closing the attempt at its wallet if it may still be paid. */
  async function closeAttempt(): Promise<void> {
    const shown = attempt.value
    if (!shown) return
    busy.value = true
    try {
      if (shown.status === 'created' || shown.status === 'pending') {
        await requireApi().call('payments.close', { id: shown.id })
      }
      if (attempt.value?.id === shown.id) attempt.value = null
      // Closing asks the wallet first and may reveal the attempt was paid after all.
      if (order.value) await load(order.value.id)
    } finally {
      busy.value = false
    }
  }

  /** A fresh QR code for the same wallet after the last one expired or ended. */
  async function regenerate(): Promise<void> {
    const wallet = attempt.value?.wallet ?? selectedWallet.value
    await closeAttempt()
    if (wallet && !isFinal.value) {
      select(wallet)
      await startPayment()
    }
  }

  async function cancelOrder(): Promise<void> {
    const current = order.value
    if (!current) return
    busy.value = true
    try {
      const cancelled = await requireApi().call('orders.cancel', { id: current.id })
      if (order.value?.id === cancelled.id) order.value = cancelled
      attempt.value = null
    } finally {
      busy.value = false
    }
  }

  /** The safety net for a dropped event stream: asks the engine for the order's current state. */
  async function refresh(): Promise<void> {
    const current = order.value
    if (!current) return
    const detail = await requireApi().call('orders.get', { id: current.id })
    if (order.value?.id !== detail.id) return
    order.value = detail
    const shown = attempt.value
    const latest = shown ? detail.attempts.find((a) => a.id === shown.id) : undefined
    if (shown && latest) shown.status = latest.status
  }

  function applyEvent(event: EngineEvent): void {
    const current = order.value
    if (!current || event.orderId !== current.id) return
    const orderStatus = orderStatusAfter(event)
    if (orderStatus && !FINAL_ORDER_STATUSES.includes(current.status)) {
      current.status = orderStatus
      if (orderStatus === 'paid') {
        current.paidAt = event.at
        current.paidWallet = eventWallet(event) ?? current.paidWallet
      }
    }
    const shown = attempt.value
    if (!shown || event.attemptId !== shown.id) return
    const attemptStatus = attemptStatusAfter(event)
    if (attemptStatus) shown.status = attemptStatus
    if (isUserPayingEvent(event)) shown.userPaying = true
  }

  return {
    order,
    orderId,
    options,
    availableOptions,
    selectedWallet,
    attempt,
    busy,
    isFinal,
    reset,
    createOrder,
    load,
    select,
    moveSelection,
    startPayment,
    closeAttempt,
    regenerate,
    cancelOrder,
    refresh,
    applyEvent,
  }
})
