import type { Database } from 'better-sqlite3'
import QRCode from 'qrcode'
import type { OperationParsedInput } from '../../shared/api/operations'
import type { CreatedPayment, PaymentAttempt, PaymentOption } from '../../shared/api/types'
import { EngineError } from '../../shared/errors'
import type { EventType } from '../../shared/events'
import { detectWalletFromCode, maskPaymentCode } from '../../shared/paymentCodes'
import type { OptionMethod, WalletId } from '../../shared/wallets'
import type { Clock } from '../clock'
import { getRoutingSettings } from '../config/routing'
import { getWalletConfig } from '../config/wallets'
import type { EventLog } from '../events/log'
import type { IdPrefix } from '../ids'
import { getOrderRow, orderLineSummary, transitionOrder, type OrderRow } from '../orders/queries'
import type { ProviderRegistry } from '../providers/registry'
import type { IncomingNotification, PaymentProvider, ProviderTrade } from '../providers/types'
import { getStoreProfile } from '../store/profile'
import {
  countUnfinishedAttemptsForOrder,
  getAttemptRow,
  insertAttempt,
  listAttemptRowsForOrder,
  listClosedQrAttemptsWatched,
  listUnfinishedAttemptRowsForOrder,
  listUnfinishedAttemptRows,
  markUserPaying,
  toAttempt,
  transitionAttempt,
  type AttemptRow,
  type NewAttempt,
} from './queries'
import { singleFlight } from '../singleFlight'
import {
  finishRefund,
  getRefundRow,
  hasLiveRefund,
  insertAutomaticRefund,
  insertRetryRefund,
  listPendingRefunds,
  recordRefundTry,
  refundView,
  type RefundView,
} from './refunds'

export interface PaymentServiceDeps {
  db: Database
  clock: Clock
  events: EventLog
  providers: ProviderRegistry
  newId: (prefix: IdPrefix) => string
  /** The routed payment options of an order, as the customer would see them now. */
  optionsFor: (order: OrderRow, onlyWallet?: WalletId) => PaymentOption[]
  /** Runs inside the transaction that marks an order paid (friend-pay requests follow their order). */
  onOrderPaid: (orderId: string, attempt: AttemptRow, now: number) => void
  /** How long a QR code stays payable. */
  paymentTtlMs: number
  /** Background work (closing sibling attempts, refunds) is tracked so shutdown and tests can wait for it. */
  track: (work: Promise<unknown>) => void
  /** True once the engine is shutting down: the sweeps stop between two wallets (the next start resumes). */
  stopping?: () => boolean
}

/** A `created` attempt younger than this may still be waiting for its provider call. */
const CREATE_GRACE_MS = 60_000
/** WeChat Pay's description limit is 127 bytes. */
const DESCRIPTION_MAX_BYTES = 127
/** How long after its deadline a closed QR code is still watched for a late payment. */
const LATE_WATCH_MARGIN_MS = 2 * 60_000
/** Failure codes that are the customer's doing (a declined card), not the channel's. */
const DECLINED = 'DECLINED'

export type PaymentService = ReturnType<typeof createPaymentService>

export function createPaymentService(deps: PaymentServiceDeps) {
  const { db, clock, events, providers } = deps

  function requireOrder(id: string): OrderRow {
    const order = getOrderRow(db, id)
    if (!order) throw new EngineError('ORDER_NOT_FOUND', `no order ${id}`)
    return order
  }

  function requireAttempt(id: string): AttemptRow {
    const attempt = getAttemptRow(db, id)
    if (!attempt) throw new EngineError('PAYMENT_NOT_FOUND', `no payment ${id}`)
    return attempt
  }

  function providerFor(attempt: AttemptRow): PaymentProvider {
    const provider = providers.byKey(attempt.provider)
    if (!provider) throw new EngineError('PROVIDER_ERROR', `provider ${attempt.provider} is not configured`)
    return provider
  }

  function requirePayable(order: OrderRow): void {
    if ((order.status !== 'open' && order.status !== 'awaiting_payment') || order.expires_at <= clock.now()) {
      throw new EngineError('ORDER_NOT_PAYABLE', `order ${order.id} is ${order.status}`)
    }
  }

  /** The routed option for a wallet, which must offer `method` now. */
  function requireOption(order: OrderRow, wallet: WalletId, method: OptionMethod): PaymentOption {
    const option = deps.optionsFor(order, wallet).find((o) => o.wallet === wallet)
    if (!option || !option.available || !option.methods.includes(method)) {
      const reason = option ? (option.reason ?? 'METHOD_UNSUPPORTED') : 'NOT_ACCEPTED'
      throw new EngineError('WALLET_UNAVAILABLE', `${wallet} cannot take this order (${reason})`, { reason })
    }
    return option
  }

  function describe(order: OrderRow): string {
    const store = getStoreProfile(db).name
    let what = order.description
    if (what === null) {
      const { firstName, count } = orderLineSummary(db, order.id)
      what = count === 0 ? '' : count === 1 ? firstName! : `${firstName} 等${count}件`
    }
    return truncateUtf8([store, what].filter(Boolean).join('-') || order.id, DESCRIPTION_MAX_BYTES)
  }

  /** The merchant number (商户号 / PID) of the account the router chose. */
  function merchantIdOf(option: PaymentOption, wallet: WalletId): string | null {
    if (!option.accountId) return null
    return getWalletConfig(db, wallet).accounts.find((a) => a.id === option.accountId)?.merchantId ?? null
  }

  /** Records a new attempt (and moves the order to awaiting payment) before any wallet is called. */
  function startAttempt(order: OrderRow, fields: Omit<NewAttempt, 'id' | 'orderId' | 'amountFen'>): AttemptRow {
    const id = deps.newId('pay')
    const now = clock.now()
    return events.unitOfWork(() => {
      const current = requireOrder(order.id)
      requirePayable(current)
      if (current.status === 'open') {
        if (!transitionOrder(db, order.id, 'open', 'awaiting_payment', now)) {
          throw new EngineError('CONCURRENT_UPDATE', 'the order changed meanwhile, try again')
        }
        events.append({ type: 'order.awaiting_payment', orderId: order.id })
      }
      const attempt = insertAttempt(db, { ...fields, id, orderId: order.id, amountFen: current.total_fen }, now)
      events.append({
        type: 'payment.created',
        orderId: order.id,
        attemptId: id,
        data: {
          wallet: fields.wallet,
          method: fields.method,
          amountFen: current.total_fen,
          accountId: fields.accountId,
          ...(fields.installments ? { installments: fields.installments } : {}),
          ...(fields.paymentCodeMasked ? { paymentCode: fields.paymentCodeMasked } : {}),
        },
      })
      return attempt
    })
  }

  function failCreation(attempt: AttemptRow, error: unknown): never {
    const failureCode = error instanceof EngineError ? error.code : 'PROVIDER_ERROR'
    events.unitOfWork(() => {
      if (transitionAttempt(db, attempt.id, 'created', 'failed', clock.now(), { failureCode })) {
        events.append({
          type: 'payment.failed',
          orderId: attempt.order_id,
          attemptId: attempt.id,
          data: { failureCode },
        })
      }
      reopenIfIdle(attempt.order_id)
    })
    throw error instanceof EngineError ? error : new EngineError('PROVIDER_ERROR', 'the wallet did not answer')
  }

  async function createQrAttempt(
    order: OrderRow,
    wallet: WalletId,
    link: { installments?: number; aggregateId?: string; friendPayId?: string } = {},
  ): Promise<AttemptRow> {
    const { installments } = link
    requirePayable(order)
    const option = requireOption(order, wallet, link.friendPayId ? 'friend-pay' : 'qr')
    const plans = option.installmentPlans
    let plan: NonNullable<typeof plans>[number] | undefined
    if (plans) {
      plan = installments === undefined ? plans[0] : plans.find((p) => p.periods === installments)
      if (!plan) throw new EngineError('INSTALLMENTS_UNAVAILABLE', `${installments} installments are not offered`)
    } else if (installments !== undefined) {
      throw new EngineError('INSTALLMENTS_UNAVAILABLE', `${wallet} has no installments`)
    }
    const provider = providers.find(wallet, 'qr', option.mode)
    if (!provider)
      throw new EngineError('WALLET_UNAVAILABLE', `${wallet} has no channel`, { reason: 'CHANNEL_UNAVAILABLE' })
    const baseFee = option.merchantFeeFen! - (plans ? plans[0]!.merchantFeeFen : 0)
    const description = describe(order)
    const attempt = startAttempt(order, {
      wallet,
      method: 'qr',
      provider: provider.key,
      mode: provider.mode,
      expiresAt: Math.min(clock.now() + deps.paymentTtlMs, order.expires_at),
      accountId: option.accountId,
      merchantFeeFen: baseFee + (plan?.merchantFeeFen ?? 0),
      installments: plan?.periods ?? null,
      aggregateId: link.aggregateId ?? null,
      friendPayId: link.friendPayId ?? null,
    })
    let qrContent: string
    try {
      ;({ qrContent } = await provider.createQr({
        outTradeNo: attempt.id,
        wallet,
        amountFen: attempt.amount_fen,
        description,
        expiresAt: attempt.expires_at,
        merchantId: merchantIdOf(option, wallet),
        installments: plan?.periods ?? null,
        installmentFeePayer: plan?.feeBearer ?? null,
      }))
    } catch (error) {
      failCreation(attempt, error)
    }
    const shownAt = clock.now()
    const shown = events.unitOfWork(() => {
      if (!transitionAttempt(db, attempt.id, 'created', 'pending', shownAt, { qrContent })) return false
      events.append({
        type: 'payment.pending',
        orderId: order.id,
        attemptId: attempt.id,
        data: { wallet, expiresAt: new Date(attempt.expires_at).toISOString() },
      })
      return true
    })
    if (!shown) {
      // Ended while the wallet was making the code (order paid or cancelled meanwhile): close it there too.
      await provider.close(attempt.id).catch(() => undefined)
      throw new EngineError('CONCURRENT_UPDATE', 'the payment changed meanwhile')
    }
    return { ...attempt, status: 'pending', qr_content: qrContent, pending_at: shownAt, updated_at: shownAt }
  }

  async function createCodePayment(
    order: OrderRow,
    input: Extract<OperationParsedInput<'payments.create'>, { method: 'payment-code' }>,
  ): Promise<AttemptRow> {
    const mark = events.mark()
    requirePayable(order)
    const settings = getRoutingSettings(db)
    const wallet = input.wallet ?? detectWalletFromCode(input.authCode, settings.paymentCodeRules)
    if (!wallet) {
      throw new EngineError('PAYMENT_CODE_UNRECOGNIZED', 'this payment code belongs to no wallet the console knows')
    }
    const option = requireOption(order, wallet, 'payment-code')
    const provider = providers.find(wallet, 'payment-code', option.mode)
    if (!provider)
      throw new EngineError('WALLET_UNAVAILABLE', `${wallet} has no channel`, { reason: 'CHANNEL_UNAVAILABLE' })
    const attempt = startAttempt(order, {
      wallet,
      method: 'payment-code',
      provider: provider.key,
      mode: provider.mode,
      expiresAt: clock.now() + settings.paymentCodeTimeoutSeconds * 1000,
      accountId: option.accountId,
      merchantFeeFen: option.merchantFeeFen,
      paymentCodeMasked: maskPaymentCode(input.authCode),
    })
    // The wallet charges at once: the attempt must be on disk before the code is sent (and nothing this
    // operation wrote may have been lost meanwhile).
    await events.durable(mark)
    try {
      return await sendPaymentCode(describe(order), input.authCode, attempt, option, wallet, provider, mark)
    } catch (error) {
      // The wallet may have moved money: "nothing was saved" would send the cashier to scan again.
      if (error instanceof EngineError && error.code === 'STORAGE_FAILED') {
        throw new EngineError(
          'PAYMENT_OUTCOME_UNKNOWN',
          'the wallet was asked to charge but its answer could not be saved: check the payment before scanning again',
        )
      }
      throw error
    }
  }

  async function sendPaymentCode(
    description: string,
    authCode: string,
    attempt: AttemptRow,
    option: PaymentOption,
    wallet: WalletId,
    provider: PaymentProvider,
    mark: number,
  ): Promise<AttemptRow> {
    let trade: ProviderTrade
    try {
      trade = await provider.payWithCode({
        outTradeNo: attempt.id,
        wallet,
        authCode,
        amountFen: attempt.amount_fen,
        description,
        merchantId: merchantIdOf(option, wallet),
      })
    } catch (error) {
      // The outcome is unknown: the wallet may have charged. Ask, and reverse if not, so the order never hangs;
      // if the charge in fact went through, the cashier is told it was paid, not that the wallet failed.
      await closeAttempt(requireAttempt(attempt.id), 'UNKNOWN_OUTCOME').catch(() => undefined)
      await events.durable(mark)
      const after = requireAttempt(attempt.id)
      if (after.status === 'succeeded') return after
      throw error instanceof EngineError ? error : new EngineError('PROVIDER_ERROR', 'the wallet did not answer')
    }
    events.unitOfWork(() => {
      if (transitionAttempt(db, attempt.id, 'created', 'pending', clock.now())) {
        events.append({ type: 'payment.pending', orderId: attempt.order_id, attemptId: attempt.id, data: { wallet } })
      }
    })
    await applyTrade(requireAttempt(attempt.id), trade)
    await events.durable(mark)
    return requireAttempt(attempt.id)
  }

  function createCash(order: OrderRow, tenderedFen: number): AttemptRow {
    requirePayable(order)
    const option = requireOption(order, 'cash', 'cash')
    if (tenderedFen < order.total_fen) {
      throw new EngineError(
        'INSUFFICIENT_TENDER',
        `tendered ${tenderedFen} fen is less than the total ${order.total_fen} fen`,
      )
    }
    const attempt = startAttempt(order, {
      wallet: 'cash',
      method: 'cash',
      provider: 'cash',
      mode: option.mode,
      expiresAt: clock.now(),
      accountId: null,
      merchantFeeFen: 0,
      tenderedFen,
      changeFen: tenderedFen - order.total_fen,
    })
    markSucceeded(attempt, {
      outTradeNo: attempt.id,
      state: 'SUCCESS',
      amountFen: attempt.amount_fen,
      providerTradeNo: null,
      paidAt: clock.now(),
    })
    return requireAttempt(attempt.id)
  }

  async function toCreated(attempt: AttemptRow, withSvg = true): Promise<CreatedPayment> {
    return {
      id: attempt.id,
      orderId: attempt.order_id,
      wallet: attempt.wallet,
      method: attempt.method,
      status: attempt.status,
      amountFen: attempt.amount_fen,
      qrContent: attempt.qr_content,
      qrSvg: attempt.qr_content && withSvg ? await qrSvg(attempt.qr_content) : null,
      expiresAt: new Date(attempt.expires_at).toISOString(),
      installments: attempt.installments,
      userPaying: attempt.user_paying === 1,
      failureCode: attempt.failure_code,
      tenderedFen: attempt.tendered_fen,
      changeFen: attempt.change_fen,
    }
  }

  async function create(input: OperationParsedInput<'payments.create'>): Promise<CreatedPayment> {
    const order = requireOrder(input.id)
    switch (input.method) {
      case 'qr':
        return toCreated(await createQrAttempt(order, input.wallet, { installments: input.installments }), input.qrSvg)
      case 'payment-code':
        return toCreated(await createCodePayment(order, input))
      case 'cash':
        return toCreated(createCash(order, input.tenderedFen))
      case 'aggregate':
        throw new EngineError('METHOD_UNSUPPORTED', 'the all-wallets code is created by the aggregate service')
    }
  }

  /** Moves an order waiting for payment back to open once none of its attempts can still succeed. */
  function reopenIfIdle(orderId: string): void {
    const order = getOrderRow(db, orderId)
    if (order?.status !== 'awaiting_payment') return
    if (countUnfinishedAttemptsForOrder(db, orderId) > 0) return
    if (transitionOrder(db, orderId, 'awaiting_payment', 'open', clock.now())) {
      events.append({ type: 'order.reopened', orderId })
    }
  }

  function markSucceeded(attempt: AttemptRow, trade: ProviderTrade): void {
    let closeSiblings = false
    let refundQueued = false
    events.unitOfWork(() => {
      const current = requireAttempt(attempt.id)
      if (current.status === 'succeeded') return
      const now = clock.now()
      const order = requireOrder(current.order_id)
      if (current.status === 'created' || current.status === 'pending') {
        // created → pending → succeeded: a wallet can answer "paid" before we saw the attempt pending.
        if (current.status === 'created' && !transitionAttempt(db, current.id, 'created', 'pending', now)) {
          throw new EngineError('CONCURRENT_UPDATE', 'the payment changed meanwhile')
        }
        if (
          !transitionAttempt(db, current.id, 'pending', 'succeeded', now, { providerTradeNo: trade.providerTradeNo })
        ) {
          throw new EngineError('CONCURRENT_UPDATE', 'the payment changed meanwhile')
        }
        events.append({
          type: 'payment.succeeded',
          orderId: current.order_id,
          attemptId: current.id,
          data: { wallet: current.wallet, amountFen: current.amount_fen, providerTradeNo: trade.providerTradeNo },
        })
        if (order.status === 'open' || order.status === 'awaiting_payment') {
          if (
            !transitionOrder(db, order.id, order.status, 'paid', now, { wallet: current.wallet, attemptId: current.id })
          ) {
            throw new EngineError('CONCURRENT_UPDATE', 'the order changed meanwhile')
          }
          events.append({
            type: 'order.paid',
            orderId: order.id,
            attemptId: current.id,
            data: { wallet: current.wallet, amountFen: order.total_fen },
          })
          deps.onOrderPaid(order.id, current, now)
          closeSiblings = true
          return
        }
      }
      // Money arrived that the order does not need (paid another way, ended, or on an attempt we had
      // already ended): it goes back to the payer, once.
      const reason =
        order.status === 'paid' && order.paid_attempt_id !== current.id ? 'duplicate_payment' : 'late_payment'
      events.append({
        type: 'payment.late_success',
        orderId: order.id,
        attemptId: current.id,
        data: {
          wallet: current.wallet,
          amountFen: current.amount_fen,
          orderStatus: order.status,
          attemptStatus: current.status,
        },
      })
      const refundId = deps.newId('rfd')
      if (
        insertAutomaticRefund(
          db,
          {
            id: refundId,
            orderId: order.id,
            attemptId: current.id,
            wallet: current.wallet,
            amountFen: current.amount_fen,
            reason,
          },
          now,
        )
      ) {
        events.append({
          type: 'refund.created',
          orderId: order.id,
          attemptId: current.id,
          data: { refundId, amountFen: current.amount_fen, reason },
        })
        refundQueued = true
      }
    })
    if (closeSiblings) {
      const siblings = listUnfinishedAttemptRowsForOrder(db, attempt.order_id).filter(
        (sibling) => sibling.id !== attempt.id,
      )
      if (siblings.length) {
        // The other codes are closed at their wallets once the order is paid on disk.
        const paidOnDisk = events.durable()
        for (const sibling of siblings)
          deps.track(paidOnDisk.then(() => closeAttempt(sibling, 'order_paid')).catch(() => undefined))
      }
    }
    if (refundQueued) deps.track(processRefunds().catch(() => undefined))
  }

  function endAttempt(attempt: AttemptRow, to: 'closed' | 'failed', reason: string, eventType?: EventType): void {
    events.unitOfWork(() => {
      const current = requireAttempt(attempt.id)
      if (current.status !== 'created' && current.status !== 'pending') return
      if (
        !transitionAttempt(
          db,
          current.id,
          current.status,
          to,
          clock.now(),
          to === 'failed' ? { failureCode: reason } : {},
        )
      ) {
        throw new EngineError('CONCURRENT_UPDATE', 'the payment changed meanwhile')
      }
      events.append({
        type: eventType ?? (to === 'closed' ? 'payment.closed' : 'payment.failed'),
        orderId: current.order_id,
        attemptId: current.id,
        data: { reason },
      })
      reopenIfIdle(current.order_id)
    })
  }

  /**
   * Ends an attempt at its wallet — asking first whether it was paid — and then in our books. A QR code
   * is closed; a payment code is reversed (the wallet returns any money it took).
   */
  async function closeAttempt(attempt: AttemptRow, reason: string): Promise<void> {
    const provider = providerFor(attempt)
    const before = await provider.query(attempt.id)
    if (before.state === 'SUCCESS') return applyTrade(attempt, before)
    if (attempt.method === 'payment-code') {
      const after = await provider.reverse(attempt.id)
      if (after.state === 'SUCCESS') return applyTrade(attempt, after)
      if (before.state === 'PAYERROR') return endAttempt(attempt, 'failed', DECLINED)
      return endAttempt(attempt, 'closed', reason, 'payment.reversed')
    }
    const after = await provider.close(attempt.id)
    if (after.state === 'SUCCESS') return applyTrade(attempt, after)
    if (before.state === 'PAYERROR') return endAttempt(attempt, 'failed', DECLINED)
    endAttempt(attempt, 'closed', reason)
  }

  /** Brings our books in line with what the wallet reports for a trade. */
  async function applyTrade(attempt: AttemptRow, trade: ProviderTrade): Promise<void> {
    if (trade.state === 'SUCCESS') {
      if (trade.amountFen !== attempt.amount_fen) {
        // The wallet took a different amount than we asked for: never accept it as payment. End the attempt,
        // give back whatever the wallet reports it took, and leave the order payable.
        let refundQueued = false
        events.unitOfWork(() => {
          events.append({
            type: 'notification.rejected',
            orderId: attempt.order_id,
            attemptId: attempt.id,
            data: { reason: 'AMOUNT_MISMATCH', expectedFen: attempt.amount_fen, reportedFen: trade.amountFen },
          })
          const current = requireAttempt(attempt.id)
          if (current.status !== 'created' && current.status !== 'pending') return
          transitionAttempt(db, current.id, current.status, 'failed', clock.now(), { failureCode: 'AMOUNT_MISMATCH' })
          events.append({
            type: 'payment.failed',
            orderId: current.order_id,
            attemptId: current.id,
            data: { reason: 'AMOUNT_MISMATCH' },
          })
          const reported = trade.amountFen ?? 0
          const refundId = deps.newId('rfd')
          if (
            reported > 0 &&
            insertAutomaticRefund(
              db,
              {
                id: refundId,
                orderId: current.order_id,
                attemptId: current.id,
                wallet: current.wallet,
                amountFen: reported,
                reason: 'amount_mismatch',
              },
              clock.now(),
            )
          ) {
            events.append({
              type: 'refund.created',
              orderId: current.order_id,
              attemptId: current.id,
              data: { refundId, amountFen: reported, reason: 'amount_mismatch' },
            })
            refundQueued = true
          }
          reopenIfIdle(current.order_id)
        })
        if (refundQueued) deps.track(processRefunds().catch(() => undefined))
        throw new EngineError('NOTIFICATION_REJECTED', 'the paid amount does not match the payment')
      }
      markSucceeded(attempt, trade)
      return
    }
    const unfinished = attempt.status === 'created' || attempt.status === 'pending'
    if (!unfinished) return
    if (trade.state === 'PAYERROR') return closeAttempt(attempt, DECLINED)
    if (trade.state === 'CLOSED' || trade.state === 'REVOKED') return endAttempt(attempt, 'closed', 'closed_by_wallet')
    if (trade.state === 'USERPAYING') {
      events.unitOfWork(() => {
        if (markUserPaying(db, attempt.id, clock.now())) {
          events.append({
            type: 'payment.user_paying',
            orderId: attempt.order_id,
            attemptId: attempt.id,
            data: { wallet: attempt.wallet },
          })
        }
      })
    }
    if (attempt.expires_at <= clock.now()) {
      return closeAttempt(attempt, attempt.method === 'payment-code' ? 'USERPAYING_TIMEOUT' : 'expired')
    }
  }

  async function acceptNotification(providerKey: string, notification: IncomingNotification): Promise<void> {
    const provider = providers.byKey(providerKey)
    if (!provider) throw new EngineError('NOT_FOUND', 'unknown notification endpoint')
    let trade: ProviderTrade
    try {
      trade = await provider.parseNotification(notification)
    } catch (error) {
      events.unitOfWork(() => {
        events.append({
          type: 'notification.rejected',
          data: { provider: providerKey, reason: error instanceof EngineError ? error.message : 'unreadable' },
        })
      })
      throw error instanceof EngineError ? error : new EngineError('NOTIFICATION_REJECTED', 'notification rejected')
    }
    const attempt = getAttemptRow(db, trade.outTradeNo)
    if (!attempt || attempt.provider !== providerKey) {
      throw new EngineError('NOTIFICATION_REJECTED', 'notification names an unknown payment')
    }
    await applyTrade(attempt, trade)
  }

  /**
   * Sends every pending refund to its wallet. The refund id is the wallet's out_refund_no, so a retry
   * after a lost answer refunds nothing twice; a refund stays pending until the wallet confirms it.
   */
  const processRefunds = singleFlight(async () => {
    const now = clock.now()
    // Money leaves only for a refund that is on disk: the list may hold refunds of a group still open, and a
    // group lost meanwhile (any of them) means the refund is read again once everything is durable.
    const mark = events.mark()
    for (const listed of listPendingRefunds(db, 100)) {
      if (deps.stopping?.()) return
      if (!refundDue(listed, now)) continue
      try {
        await events.durable(mark)
      } catch {
        return
      }
      const refund = getRefundRow(db, listed.id)
      if (refund?.status !== 'pending') continue
      const attempt = requireAttempt(refund.attempt_id)
      try {
        const provider = providerFor(attempt)
        // A refund the wallet has accepted is asked about, not sent again.
        const result = refund.provider_refund_no
          ? await provider.queryRefund(refund.id, attempt.id)
          : await provider.refund({
              outTradeNo: attempt.id,
              outRefundNo: refund.id,
              amountFen: refund.amount_fen,
              totalFen: refund.reason.startsWith('amount_mismatch') ? refund.amount_fen : attempt.amount_fen,
              reason: refund.reason,
            })
        if (result.state === 'PROCESSING') {
          events.unitOfWork(() =>
            recordRefundTry(db, refund.id, null, clock.now(), result.providerRefundNo ?? refund.id),
          )
          continue
        }
        const to = result.state === 'SUCCESS' ? 'succeeded' : 'failed'
        events.unitOfWork(() => {
          recordRefundTry(db, refund.id, to === 'failed' ? result.state : null, clock.now())
          if (finishRefund(db, refund.id, to, result.providerRefundNo, clock.now())) {
            events.append({
              type: to === 'succeeded' ? 'refund.succeeded' : 'refund.failed',
              orderId: refund.order_id,
              attemptId: refund.attempt_id,
              data: {
                refundId: refund.id,
                amountFen: refund.amount_fen,
                wallet: refund.wallet,
                ...(to === 'failed' ? { state: result.state } : {}),
              },
            })
          }
        })
      } catch (error) {
        const message = error instanceof EngineError ? error.code : 'PROVIDER_ERROR'
        events.unitOfWork(() => recordRefundTry(db, refund.id, message, clock.now()))
      }
    }
  })

  /** Refund calls back off after each try: 2 s, 4 s, 8 s … up to 10 minutes between tries. */
  function refundDue(refund: { tries: number; updated_at: number }, now: number): boolean {
    if (refund.tries === 0) return true
    const wait = Math.min(2000 * 2 ** (refund.tries - 1), 10 * 60_000)
    return now - refund.updated_at >= wait
  }

  /**
   * A manager's second try at a refund the wallet closed: a new refund of the same payment, under a new refund
   * number. Refused while another refund of the payment is under way or done, and for ABNORMAL refunds.
   */
  function retryRefund(id: string): RefundView {
    const failed = getRefundRow(db, id)
    if (!failed) throw new EngineError('NOT_FOUND', `no refund ${id}`)
    if (failed.status !== 'failed') throw new EngineError('INVALID_STATE', `refund ${id} is ${failed.status}`)
    if (failed.last_error === 'ABNORMAL') {
      // The money has left the merchant but could not reach the customer: the wallet's merchant platform
      // settles it (e.g. to another account); a second refund would pay twice.
      throw new EngineError(
        'INVALID_STATE',
        'the wallet holds this refund as abnormal: settle it in its merchant platform',
      )
    }
    const retryId = deps.newId('rfd')
    events.unitOfWork(() => {
      if (hasLiveRefund(db, failed.attempt_id)) {
        throw new EngineError('INVALID_STATE', 'this payment already has a refund under way or done')
      }
      insertRetryRefund(db, failed, retryId, clock.now())
      events.append({
        type: 'refund.created',
        orderId: failed.order_id,
        attemptId: failed.attempt_id,
        data: { refundId: retryId, amountFen: failed.amount_fen, reason: 'retry', retryOf: failed.id },
      })
    })
    deps.track(processRefunds().catch(() => undefined))
    return refundView(getRefundRow(db, retryId)!)
  }

  const lastQueried = new Map<string, number>()

  /**
   * Polling starts fast and backs off, as the wallets ask: every 2 s for the first 30 s, every 5 s to two
   * minutes, every 15 s to ten, then every minute; an attempt past its deadline is always due.
   */
  function dueForQuery(attempt: AttemptRow, now: number): boolean {
    if (attempt.expires_at <= now) return true
    const last = lastQueried.get(attempt.id)
    if (last === undefined) return true
    const age = now - attempt.created_at
    const interval = age < 30_000 ? 2000 : age < 120_000 ? 5000 : age < 600_000 ? 15_000 : 60_000
    return now - last >= interval
  }

  /**
   * Queries every unfinished attempt at its wallet (the primary truth when no notification can reach
   * the shop), ends the expired ones, and retries pending refunds. Runs on a timer; never overlaps itself.
   */
  const sweep = singleFlight(async () => {
    const now = clock.now()
    for (const attempt of listUnfinishedAttemptRows(db, 200)) {
      if (deps.stopping?.()) return
      if (attempt.status === 'created' && now - attempt.created_at < CREATE_GRACE_MS) continue
      if (!dueForQuery(attempt, now)) continue
      lastQueried.set(attempt.id, now)
      try {
        const trade = await providerFor(attempt).query(attempt.id)
        if (attempt.status === 'created' && trade.state === 'NOT_FOUND')
          await closeAttempt(attempt, 'create_interrupted')
        else await applyTrade(attempt, trade)
      } catch {
        // One wallet failing must not stop the others; the next sweep retries.
      }
    }
    // A wallet may not be able to close a code nobody has scanned yet (Alipay): it stays payable until its
    // deadline. Closed codes are watched until shortly after it, and money that lands is refunded.
    for (const attempt of listClosedQrAttemptsWatched(db, now, LATE_WATCH_MARGIN_MS)) {
      if (deps.stopping?.()) return
      const last = lastQueried.get(attempt.id)
      if (last !== undefined && now - last < 10_000) continue
      lastQueried.set(attempt.id, now)
      try {
        const trade = await providerFor(attempt).query(attempt.id)
        if (trade.state === 'SUCCESS') await applyTrade(attempt, trade)
      } catch {
        // Next sweep.
      }
    }
    if (lastQueried.size > 10_000) lastQueried.clear()
    await processRefunds()
  })

  async function close(id: string): Promise<PaymentAttempt> {
    const attempt = requireAttempt(id)
    if (attempt.status === 'created' || attempt.status === 'pending') await closeAttempt(attempt, 'closed_by_cashier')
    return toAttempt(requireAttempt(id))
  }

  /** Closes every unfinished attempt of an order; returns when the wallets have answered. */
  async function closeAllForOrder(orderId: string, reason: string): Promise<void> {
    for (const attempt of listAttemptRowsForOrder(db, orderId)) {
      if (attempt.status === 'created' || attempt.status === 'pending') await closeAttempt(attempt, reason)
    }
  }

  return {
    create,
    createQrAttempt,
    closeAttempt,
    close,
    closeAllForOrder,
    requireOrder,
    get: (id: string) => toAttempt(requireAttempt(id)),
    listForOrder: (orderId: string) => listAttemptRowsForOrder(db, orderId).map(toAttempt),
    acceptNotification,
    processRefunds,
    retryRefund,
    sweep,
    refund: (id: string) => getRefundRow(db, id),
  }
}

/** The QR code as SVG. One byte-mode segment: URLs gain little from the segment optimiser, which costs half the time. */
export function qrSvg(content: string): Promise<string> {
  return QRCode.toString([{ data: Buffer.from(content, 'utf8'), mode: 'byte' }], {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: 4,
  })
}

function truncateUtf8(text: string, maxBytes: number): string {
  let out = ''
  let bytes = 0
  for (const char of text) {
    const size = Buffer.byteLength(char)
    if (bytes + size > maxBytes) break
    out += char
    bytes += size
  }
  return out
}
