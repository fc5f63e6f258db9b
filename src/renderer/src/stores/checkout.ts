import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { CreatedPayment, EngineEvent, Order, PaymentAttempt, PaymentOption } from '../../../shared/api/types'
import { EngineError } from '../../../shared/errors'
import type { InstallmentPeriods } from '../../../shared/installments'
import { isFinalOrderStatus, type AttemptStatus } from '../../../shared/states'
import { WALLETS, type ProviderMode, type WalletId } from '../../../shared/wallets'
import type { CreateOrderRequest } from '../lib/cart'
import {
  attemptStatusAfter,
  codeFailureAfter,
  eventWallet,
  isConfigEvent,
  isUserPayingEvent,
  orderStatusAfter,
} from '../lib/engineEvents'
import { requireApi } from '../services/connection'
import { useSettingsStore } from './settings'
import { loggedAs } from '../lib/backgroundRefresh'

/** A QR code on screen: one wallet's, or the all-wallets code (wallet null). */
export interface QrPanel {
  id: string
  wallet: WalletId | null
  amountFen: number
  qrContent: string
  expiresAt: string
  status: AttemptStatus
  userPaying: boolean
  installments: number | null
  /** Where the money goes: only production moves real money. */
  mode: ProviderMode
}

/** A customer's payment code (付款码) being charged. */
export interface CodePayment {
  phase: 'submitting' | 'user_paying' | 'failed'
  attemptId: string | null
  wallet: WalletId | null
  failureCode: string | null
}

/** The errors a payment code can be refused with before any attempt exists; shown beside the field. */
const CODE_REFUSALS = ['PAYMENT_CODE_UNRECOGNIZED', 'WALLET_UNAVAILABLE', 'METHOD_UNSUPPORTED', 'VALIDATION_FAILED']

function panelFromCreated(created: CreatedPayment & { qrContent: string }, mode: ProviderMode): QrPanel {
  return {
    mode,
    id: created.id,
    wallet: created.wallet,
    amountFen: created.amountFen,
    qrContent: created.qrContent,
    expiresAt: created.expiresAt,
    status: created.status,
    userPaying: created.userPaying,
    installments: created.installments,
  }
}

function panelFromAttempt(attempt: PaymentAttempt & { qrContent: string }): QrPanel {
  return {
    mode: attempt.mode,
    id: attempt.id,
    wallet: attempt.wallet,
    amountFen: attempt.amountFen,
    qrContent: attempt.qrContent,
    expiresAt: attempt.expiresAt,
    status: attempt.status,
    userPaying: attempt.userPaying,
    installments: attempt.installments,
  }
}

const MODE_ORDER: readonly ProviderMode[] = ['simulator', 'sandbox', 'production']

/**
 * The mode a new QR code is created in, from the order's options (a created payment does not say): the wallet's
 * own, or for the all-wallets code the least real of the wallets it may route to.
 */
function modeFor(options: readonly PaymentOption[], wallet: WalletId | null): ProviderMode {
  const candidates = options.filter(
    (o) => o.available && o.wallet !== 'cash' && (wallet === null || o.wallet === wallet),
  )
  const modes = candidates.map((o) => MODE_ORDER.indexOf(o.mode))
  return modes.length === 0 ? 'production' : MODE_ORDER[Math.min(...modes)]!
}

function hasQr<T extends { qrContent: string | null }>(value: T): value is T & { qrContent: string } {
  return value.qrContent !== null
}

/** The order being paid: its payment options, the QR codes on screen, a payment code or cash, live status. */
export const useCheckoutStore = defineStore('checkout', () => {
  const order = ref<Order | null>(null)
  const options = ref<PaymentOption[]>([])
  const selectedWallet = ref<WalletId | null>(null)
  const selectedInstallments = ref<InstallmentPeriods | null>(null)
  const panels = ref<QrPanel[]>([])
  const codePayment = ref<CodePayment | null>(null)
  const busy = ref(false)
  /** The order last made from the till's cart, and what it was made of: charging the same cart again reuses it. */
  const lastCharged = ref<{ id: string; key: string } | null>(null)

  const orderId = computed(() => order.value?.id ?? null)
  const isFinal = computed(() => order.value !== null && isFinalOrderStatus(order.value.status))
  const availableOptions = computed(() => options.value.filter((option) => option.available))
  const selectedOption = computed(() => options.value.find((o) => o.wallet === selectedWallet.value) ?? null)
  const codeInProgress = computed(() => codePayment.value !== null && codePayment.value.phase !== 'failed')
  /** A customer is paying right now: a QR code still payable on screen, a payment code charging, a request out. */
  const live = computed(
    () =>
      busy.value ||
      codeInProgress.value ||
      (!isFinal.value && panels.value.some((p) => p.status === 'pending' || p.status === 'created')),
  )

  function reset(): void {
    order.value = null
    options.value = []
    selectedWallet.value = null
    selectedInstallments.value = null
    panels.value = []
    codePayment.value = null
    lastCharged.value = null
  }

  /** A new order's options, answered with the order itself: the checkout screen shows them without asking. */
  let freshOptions: { id: string; options: PaymentOption[] } | null = null

  async function createOrder(request: CreateOrderRequest): Promise<Order> {
    const { paymentOptions, ...created } = await requireApi().callOnce('orders.create', {
      ...request,
      withPaymentOptions: true,
    })
    reset()
    order.value = created
    lastCharged.value = { id: created.id, key: JSON.stringify(request) }
    freshOptions = paymentOptions ? { id: created.id, options: paymentOptions } : null
    return created
  }

  /**
   * The order to charge a cart with. Back from the checkout with the cart unchanged, the open order is the
   * same one; with the cart changed, that order is cancelled first, so unpaid orders do not pile up.
   */
  async function orderForCart(request: CreateOrderRequest): Promise<Order> {
    const previous = lastCharged.value
    // The last sale's order, known here to be paid or ended, needs no asking again.
    const knownFinal = previous !== null && order.value?.id === previous.id && isFinal.value
    if (previous && !knownFinal) {
      const api = requireApi()
      const earlier = await api.call('orders.get', { id: previous.id })
      if (!isFinalOrderStatus(earlier.status)) {
        if (previous.key === JSON.stringify(request)) return earlier
        await api.call('orders.cancel', { id: previous.id })
      }
    }
    return createOrder(request)
  }

  async function loadOptions(id: string): Promise<void> {
    applyOptions((await requireApi().call('orders.paymentOptions', { id })).options)
  }

  function applyOptions(next: PaymentOption[]): void {
    options.value = next
    const current = selectedOption.value
    if (!current || !current.available) select(options.value.find((o) => o.available)?.wallet ?? null)
    // An installments wallet is chosen again so its plans follow the order.
    else if (WALLETS[current.wallet].installments) select(current.wallet)
  }

  /**
   * Loads an order for paying; picks up QR codes and a payment code still live for it (after a reload, say).
   * True when the order was just made at this till: nothing can have started on it yet.
   */
  async function load(id: string): Promise<boolean> {
    const api = requireApi()
    if (order.value?.id !== id) reset()
    const settings = useSettingsStore()
    // Payment-code rules only enrich the screen: without them it still works.
    if (!settings.routing) void settings.loadRouting().catch(loggedAs('checkout'))
    const fresh = freshOptions?.id === id && order.value?.id === id ? freshOptions : null
    freshOptions = null
    // An order just made here has no payments yet to pick up: its options are all the screen needs.
    if (fresh) {
      applyOptions(fresh.options)
      return true
    }
    // Both at once: the options screen waits for the slower of the two, not their sum.
    const [detail, offered] = await Promise.all([
      api.call('orders.get', { id }),
      api.call('orders.paymentOptions', { id }),
    ])
    order.value = detail
    applyOptions(offered.options)
    if (panels.value.length === 0) {
      panels.value = detail.attempts
        .filter(hasQr)
        .filter((a) => a.status === 'pending' && Date.parse(a.expiresAt) > Date.now())
        .map(panelFromAttempt)
    }
    if (!codePayment.value) {
      const paying = detail.attempts.find((a) => a.method === 'payment-code' && a.status === 'pending')
      if (paying)
        codePayment.value = { phase: 'user_paying', attemptId: paying.id, wallet: paying.wallet, failureCode: null }
    }
    return false
  }

  function select(wallet: WalletId | null): void {
    const option = options.value.find((o) => o.wallet === wallet && o.available)
    if (wallet !== null && !option) return
    selectedWallet.value = wallet
    const plans = option?.installmentPlans ?? []
    if (plans.length === 0) selectedInstallments.value = null
    else if (!plans.some((p) => p.periods === selectedInstallments.value)) {
      selectedInstallments.value = plans[0]!.periods as InstallmentPeriods
    }
  }

  function selectInstallments(periods: InstallmentPeriods): void {
    select('huabei')
    selectedInstallments.value = periods
  }

  /** Moves the selection through the available wallets (arrow keys). */
  function moveSelection(step: 1 | -1): void {
    const available = availableOptions.value
    if (available.length === 0) return
    const index = available.findIndex((o) => o.wallet === selectedWallet.value)
    const next = available[(index + step + available.length) % available.length]
    if (next) select(next.wallet)
  }

  function markAwaiting(id: string): void {
    if (order.value?.id === id && order.value.status === 'open') order.value.status = 'awaiting_payment'
  }

  function markPaid(id: string, wallet: WalletId | null, at: string): void {
    const current = order.value
    if (!current || current.id !== id || isFinalOrderStatus(current.status)) return
    current.status = 'paid'
    current.paidAt = at
    current.paidWallet = wallet ?? current.paidWallet
  }

  async function withBusy<T>(task: () => Promise<T>): Promise<T> {
    busy.value = true
    try {
      return await task()
    } finally {
      busy.value = false
    }
  }

  async function createQr(wallet: WalletId): Promise<QrPanel | null> {
    // The code is drawn here from qrContent; the engine need not render an SVG nobody shows.
    const current = order.value
    if (!current || wallet === 'cash') return null
    const installments = WALLETS[wallet].installments ? (selectedInstallments.value ?? undefined) : undefined
    const created = await requireApi().callOnce('payments.create', {
      id: current.id,
      method: 'qr',
      wallet,
      installments,
      qrSvg: false,
    })
    markAwaiting(current.id)
    return hasQr(created) ? panelFromCreated(created, modeFor(options.value, wallet)) : null
  }

  /** The selected wallet's QR code (Huabei with the chosen plan). */
  async function startPayment(): Promise<void> {
    const wallet = selectedWallet.value
    if (!wallet || wallet === 'cash' || busy.value) return
    await withBusy(async () => {
      const panel = await createQr(wallet)
      if (panel) panels.value = [...panels.value.filter((p) => p.wallet !== wallet), panel]
    })
  }

  /** Another wallet's QR code beside the ones already shown; the first one paid wins. */
  async function addQr(wallet: WalletId): Promise<void> {
    if (busy.value || panels.value.some((p) => p.wallet === wallet)) return
    await withBusy(async () => {
      const panel = await createQr(wallet)
      if (panel) panels.value = [...panels.value, panel]
    })
  }

  /** One code any wallet app can scan (聚合码). */
  async function startAggregate(): Promise<void> {
    const current = order.value
    if (!current || busy.value) return
    await withBusy(async () => {
      const created = await requireApi().callOnce('payments.create', { id: current.id, method: 'aggregate' })
      markAwaiting(current.id)
      if (hasQr(created))
        panels.value = [
          ...panels.value.filter((p) => p.wallet !== null),
          panelFromCreated(created, modeFor(options.value, null)),
        ]
    })
  }

  async function closeOne(panel: QrPanel): Promise<void> {
    if (panel.status !== 'created' && panel.status !== 'pending') return
    try {
      await requireApi().call('payments.close', { id: panel.id })
    } catch (error) {
      // The all-wallets code has no attempt of its own to close until a wallet is chosen.
      if (!(error instanceof EngineError && (error.code === 'PAYMENT_NOT_FOUND' || error.code === 'INVALID_STATE')))
        throw error
    }
  }

  /** Takes one QR code off screen, closing it at its wallet if it may still be paid. */
  async function closePanel(id: string): Promise<void> {
    const panel = panels.value.find((p) => p.id === id)
    if (!panel) return
    await withBusy(async () => {
      await closeOne(panel)
      panels.value = panels.value.filter((p) => p.id !== id)
      // Closing asks the wallet first and may reveal the attempt was paid after all.
      if (order.value) await load(order.value.id)
    })
  }

  /** Takes every QR code off screen (back to the list of payment methods). */
  async function closeAll(): Promise<void> {
    const shown = [...panels.value]
    if (shown.length === 0) return
    await withBusy(async () => {
      for (const panel of shown) await closeOne(panel)
      panels.value = panels.value.filter((p) => !shown.includes(p))
      if (order.value) await load(order.value.id)
    })
  }

  /** A fresh QR code in place of one that expired or ended. */
  async function regenerate(id: string): Promise<void> {
    const panel = panels.value.find((p) => p.id === id)
    if (!panel) return
    await closePanel(id)
    if (isFinal.value) return
    if (panel.wallet === null) await startAggregate()
    else if (panels.value.length === 0) {
      select(panel.wallet)
      if (panel.installments) selectedInstallments.value = panel.installments as InstallmentPeriods
      await startPayment()
    } else await addQr(panel.wallet)
  }

  /** Charges a customer's payment code; the wallet is detected from the code. */
  async function payWithCode(authCode: string): Promise<void> {
    const current = order.value
    if (!current || busy.value || codeInProgress.value) return
    codePayment.value = { phase: 'submitting', attemptId: null, wallet: null, failureCode: null }
    busy.value = true
    try {
      const created = await requireApi().callOnce('payments.create', {
        id: current.id,
        method: 'payment-code',
        authCode,
      })
      if (created.status === 'succeeded') {
        codePayment.value = null
        markPaid(current.id, created.wallet, new Date().toISOString())
      } else if (created.status === 'failed' || created.status === 'closed') {
        codePayment.value = {
          phase: 'failed',
          attemptId: created.id,
          wallet: created.wallet,
          failureCode: created.failureCode ?? 'DECLINED',
        }
      } else {
        const earlier = codePayment.value
        // A live event may already have settled it while the request was returning.
        if (earlier?.attemptId !== created.id || earlier.phase === 'submitting') {
          codePayment.value = { phase: 'user_paying', attemptId: created.id, wallet: created.wallet, failureCode: null }
        }
        markAwaiting(current.id)
      }
    } catch (error) {
      if (error instanceof EngineError && CODE_REFUSALS.includes(error.code)) {
        codePayment.value = { phase: 'failed', attemptId: null, wallet: null, failureCode: error.code }
        return
      }
      codePayment.value = null
      throw error
    } finally {
      busy.value = false
    }
  }

  function dismissCodeFailure(): void {
    if (codePayment.value?.phase === 'failed') codePayment.value = null
  }

  /** Cash: succeeds at once; the receipt shows what was handed over and the change. */
  async function payCash(tenderedFen: number): Promise<CreatedPayment | null> {
    const current = order.value
    if (!current || busy.value) return null
    return withBusy(async () => {
      const created = await requireApi().callOnce('payments.create', {
        id: current.id,
        method: 'cash',
        wallet: 'cash',
        tenderedFen,
      })
      if (created.status === 'succeeded') markPaid(current.id, 'cash', new Date().toISOString())
      return created
    })
  }

  async function cancelOrder(): Promise<void> {
    const current = order.value
    if (!current) return
    await withBusy(async () => {
      const cancelled = await requireApi().call('orders.cancel', { id: current.id })
      if (order.value?.id === cancelled.id) order.value = cancelled
      panels.value = []
      codePayment.value = null
    })
  }

  /** The safety net for a dropped event stream: asks the engine for the order's current state. */
  async function refresh(): Promise<void> {
    const current = order.value
    if (!current) return
    const detail = await requireApi().call('orders.get', { id: current.id })
    if (order.value?.id !== detail.id) return
    order.value = detail
    for (const panel of panels.value) {
      const latest = detail.attempts.find((a) => a.id === panel.id)
      if (latest) {
        panel.status = latest.status
        panel.userPaying = latest.userPaying
        panel.mode = latest.mode
      }
    }
    const code = codePayment.value
    const attempt = code?.attemptId ? detail.attempts.find((a) => a.id === code.attemptId) : undefined
    if (code && attempt && code.phase !== 'failed') {
      if (attempt.status === 'failed' || attempt.status === 'closed') {
        codePayment.value = { ...code, phase: 'failed', failureCode: attempt.failureCode ?? 'REVERSED' }
      } else if (attempt.status === 'succeeded') codePayment.value = null
    }
  }

  function applyCodeEvent(event: EngineEvent): void {
    const code = codePayment.value
    if (!code || code.phase === 'failed' || event.attemptId !== code.attemptId) return
    if (isUserPayingEvent(event)) code.phase = 'user_paying'
    else if (event.type === 'payment.succeeded') codePayment.value = null
    else {
      const failure = codeFailureAfter(event)
      if (failure) codePayment.value = { ...code, phase: 'failed', failureCode: failure }
    }
  }

  function applyEvent(event: EngineEvent): void {
    const current = order.value
    if (!current) return
    if (isConfigEvent(event)) {
      if (panels.value.length === 0 && !isFinal.value) void loadOptions(current.id).catch(loggedAs('checkout'))
      return
    }
    if (event.orderId !== current.id) return
    const orderStatus = orderStatusAfter(event)
    if (orderStatus && !isFinalOrderStatus(current.status)) {
      if (orderStatus === 'paid') markPaid(current.id, eventWallet(event), event.at)
      else current.status = orderStatus
    }
    applyCodeEvent(event)
    const panel = panels.value.find((p) => p.id === event.attemptId)
    if (!panel) {
      // A wallet chosen on the all-wallets code's landing page gets an attempt of its own.
      const aggregate = panels.value.find((p) => p.wallet === null)
      if (aggregate && isUserPayingEvent(event)) aggregate.userPaying = true
      return
    }
    const attemptStatus = attemptStatusAfter(event)
    if (attemptStatus) panel.status = attemptStatus
    if (isUserPayingEvent(event)) panel.userPaying = true
  }

  return {
    order,
    orderId,
    options,
    availableOptions,
    selectedWallet,
    selectedOption,
    selectedInstallments,
    panels,
    codePayment,
    codeInProgress,
    live,
    busy,
    isFinal,
    reset,
    createOrder,
    orderForCart,
    load,
    select,
    selectInstallments,
    moveSelection,
    startPayment,
    addQr,
    startAggregate,
    closePanel,
    closeAll,
    regenerate,
    payWithCode,
    dismissCodeFailure,
    payCash,
    cancelOrder,
    refresh,
    applyEvent,
  }
})
