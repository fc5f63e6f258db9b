import type { Database } from 'better-sqlite3'
import QRCode from 'qrcode'
import type { CreatedPayment, PaymentAttempt, PaymentOption } from '../../shared/api/types'
import type { OperationParsedInput } from '../../shared/api/operations'
import { EngineError } from '../../shared/errors'
import type { Clock } from '../clock'
import type { EventLog } from '../events/log'
import { getOrderLines, getOrderRow, transitionOrder, type OrderRow } from '../orders/queries'
import type { ProviderRegistry } from '../providers/registry'
import type { IncomingNotification, PaymentProvider, ProviderTrade } from '../providers/types'
import { getStoreProfile } from '../store/profile'
import { listWalletConfigs } from '../wallets/config'
import { computePaymentOptions } from './options'
import {
  countUnfinishedAttemptsForOrder,
  getAttemptRow,
  insertAttempt,
  listAttemptRowsForOrder,
  listUnfinishedAttemptRows,
  toAttempt,
  transitionAttempt,
  type AttemptRow,
} from './queries'

export interface PaymentServiceDeps {
  db: Database
  clock: Clock
  events: EventLog
  providers: ProviderRegistry
  newId: (prefix: 'pay') => string
  /** How long a QR code stays payable. */
  paymentTtlMs: number
  /** Background work (closing sibling attempts) is tracked so shutdown and tests can wait for it. */
  track: (work: Promise<unknown>) => void
}

/** A `created` attempt younger than this may still be waiting for its provider call. */
const CREATE_GRACE_MS = 60_000
/** WeChat Pay's description limit is 127 bytes. */
const DESCRIPTION_MAX_BYTES = 127

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

  function options(orderId: string): PaymentOption[] {
    requireOrder(orderId)
    return computePaymentOptions(listWalletConfigs(db), providers)
  }

  function describe(order: OrderRow): string {
    const store = getStoreProfile(db).name
    const lines = getOrderLines(db, order.id)
    const what =
      order.description ??
      (lines.length === 0 ? '' : lines.length === 1 ? lines[0]!.name : `${lines[0]!.name} 等${lines.length}件`)
    return truncateUtf8([store, what].filter(Boolean).join('-') || order.id, DESCRIPTION_MAX_BYTES)
  }

  async function create(input: OperationParsedInput<'payments.create'>): Promise<CreatedPayment> {
    const order = requireOrder(input.id)
    const now = clock.now()
    if ((order.status !== 'open' && order.status !== 'awaiting_payment') || order.expires_at <= now) {
      throw new EngineError('ORDER_NOT_PAYABLE', `order ${order.id} is ${order.status}`)
    }
    const option = options(order.id).find((o) => o.wallet === input.wallet)
    if (!option || !option.available || !option.methods.includes(input.method)) {
      throw new EngineError('WALLET_UNAVAILABLE', `${input.wallet} cannot take this order`, {
        reason: option?.reason ?? 'NOT_ACCEPTED',
      })
    }
    const provider = providers.find(input.wallet, input.method, option.mode)!
    const id = deps.newId('pay')
    const expiresAt = Math.min(now + deps.paymentTtlMs, order.expires_at)

    events.unitOfWork(() => {
      const current = requireOrder(order.id)
      if (current.status === 'open') {
        if (!transitionOrder(db, order.id, 'open', 'awaiting_payment', now)) {
          throw new EngineError('CONCURRENT_UPDATE', 'the order changed meanwhile, try again')
        }
        events.append({ type: 'order.awaiting_payment', orderId: order.id })
      } else if (current.status !== 'awaiting_payment') {
        throw new EngineError('ORDER_NOT_PAYABLE', `order ${order.id} is ${current.status}`)
      }
      insertAttempt(
        db,
        {
          id,
          orderId: order.id,
          wallet: input.wallet,
          method: input.method,
          provider: provider.key,
          mode: provider.mode,
          amountFen: order.total_fen,
          expiresAt,
        },
        now,
      )
      events.append({
        type: 'payment.created',
        orderId: order.id,
        attemptId: id,
        data: { wallet: input.wallet, method: input.method, amountFen: order.total_fen },
      })
    })

    let qrContent: string
    try {
      ;({ qrContent } = await provider.createQr({
        outTradeNo: id,
        wallet: input.wallet,
        amountFen: order.total_fen,
        description: describe(order),
        expiresAt,
      }))
    } catch (error) {
      const failureCode = error instanceof EngineError ? error.code : 'PROVIDER_ERROR'
      events.unitOfWork(() => {
        if (transitionAttempt(db, id, 'created', 'failed', clock.now(), { failureCode })) {
          events.append({ type: 'payment.failed', orderId: order.id, attemptId: id, data: { failureCode } })
        }
        reopenIfIdle(order.id)
      })
      throw error instanceof EngineError ? error : new EngineError('PROVIDER_ERROR', 'the wallet did not answer')
    }

    events.unitOfWork(() => {
      if (!transitionAttempt(db, id, 'created', 'pending', clock.now(), { qrContent })) {
        throw new EngineError('CONCURRENT_UPDATE', 'the payment changed meanwhile')
      }
      events.append({
        type: 'payment.pending',
        orderId: order.id,
        attemptId: id,
        data: { wallet: input.wallet, expiresAt: new Date(expiresAt).toISOString() },
      })
    })

    return {
      id,
      orderId: order.id,
      wallet: input.wallet,
      method: input.method,
      status: 'pending',
      amountFen: order.total_fen,
      qrContent,
      qrSvg: await QRCode.toString(qrContent, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }),
      expiresAt: new Date(expiresAt).toISOString(),
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
    events.unitOfWork(() => {
      const current = requireAttempt(attempt.id)
      if (current.status === 'succeeded') return
      const now = clock.now()
      if (current.status === 'created' || current.status === 'pending') {
        if (!transitionAttempt(db, current.id, current.status, 'succeeded', now, { providerTradeNo: trade.providerTradeNo })) {
          throw new EngineError('CONCURRENT_UPDATE', 'the payment changed meanwhile')
        }
        events.append({
          type: 'payment.succeeded',
          orderId: current.order_id,
          attemptId: current.id,
          data: { wallet: current.wallet, amountFen: current.amount_fen, providerTradeNo: trade.providerTradeNo },
        })
      } else {
        // The wallet took money for an attempt we had already ended: record it so it is refunded.
        events.append({
          type: 'payment.late_success',
          orderId: current.order_id,
          attemptId: current.id,
          data: { wallet: current.wallet, amountFen: current.amount_fen, attemptStatus: current.status, refundDue: true },
        })
        return
      }
      const order = requireOrder(current.order_id)
      if (order.status === 'open' || order.status === 'awaiting_payment') {
        if (!transitionOrder(db, order.id, order.status, 'paid', now, { wallet: current.wallet, attemptId: current.id })) {
          throw new EngineError('CONCURRENT_UPDATE', 'the order changed meanwhile')
        }
        events.append({
          type: 'order.paid',
          orderId: order.id,
          attemptId: current.id,
          data: { wallet: current.wallet, amountFen: order.total_fen },
        })
        closeSiblings = true
      } else {
        events.append({
          type: 'payment.late_success',
          orderId: order.id,
          attemptId: current.id,
          data: { wallet: current.wallet, amountFen: current.amount_fen, orderStatus: order.status, refundDue: true },
        })
      }
    })
    if (closeSiblings) {
      for (const sibling of listAttemptRowsForOrder(db, attempt.order_id)) {
        if (sibling.id !== attempt.id && (sibling.status === 'pending' || sibling.status === 'created')) {
          deps.track(closeAttempt(sibling, 'order_paid').catch(() => undefined))
        }
      }
    }
  }

  function endAttempt(attempt: AttemptRow, to: 'closed' | 'failed', reason: string): void {
    events.unitOfWork(() => {
      const current = requireAttempt(attempt.id)
      if (current.status !== 'created' && current.status !== 'pending') return
      if (!transitionAttempt(db, current.id, current.status, to, clock.now(), to === 'failed' ? { failureCode: reason } : {})) {
        throw new EngineError('CONCURRENT_UPDATE', 'the payment changed meanwhile')
      }
      events.append({
        type: to === 'closed' ? 'payment.closed' : 'payment.failed',
        orderId: current.order_id,
        attemptId: current.id,
        data: { reason },
      })
      reopenIfIdle(current.order_id)
    })
  }

  /** Ends an attempt at its wallet — asking first whether it was paid — and then in our books. */
  async function closeAttempt(attempt: AttemptRow, reason: string): Promise<void> {
    const provider = providerFor(attempt)
    const before = await provider.query(attempt.id)
    if (before.state === 'SUCCESS') return applyTrade(attempt, before)
    const after = await provider.close(attempt.id)
    if (after.state === 'SUCCESS') return applyTrade(attempt, after)
    endAttempt(attempt, before.state === 'PAYERROR' ? 'failed' : 'closed', before.state === 'PAYERROR' ? 'PAYERROR' : reason)
  }

  /** Brings our books in line with what the wallet reports for a trade. */
  async function applyTrade(attempt: AttemptRow, trade: ProviderTrade): Promise<void> {
    if (trade.state === 'SUCCESS') {
      if (trade.amountFen !== attempt.amount_fen) {
        events.unitOfWork(() => {
          events.append({
            type: 'notification.rejected',
            orderId: attempt.order_id,
            attemptId: attempt.id,
            data: { reason: 'AMOUNT_MISMATCH', expectedFen: attempt.amount_fen, reportedFen: trade.amountFen },
          })
        })
        throw new EngineError('NOTIFICATION_REJECTED', 'the paid amount does not match the payment')
      }
      markSucceeded(attempt, trade)
      return
    }
    const unfinished = attempt.status === 'created' || attempt.status === 'pending'
    if (!unfinished) return
    if (trade.state === 'PAYERROR') return closeAttempt(attempt, 'PAYERROR')
    if (trade.state === 'CLOSED') return endAttempt(attempt, 'closed', 'closed_by_wallet')
    if (attempt.expires_at <= clock.now()) return closeAttempt(attempt, 'expired')
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

  let sweeping: Promise<void> | null = null

  /**
   * Queries every unfinished attempt at its wallet (the primary truth when no notification can reach
   * the shop) and closes the expired ones. Runs on a timer; never overlaps itself.
   */
  function sweep(): Promise<void> {
    sweeping ??= (async () => {
      try {
        const now = clock.now()
        for (const attempt of listUnfinishedAttemptRows(db, 200)) {
          if (attempt.status === 'created' && now - attempt.created_at < CREATE_GRACE_MS) continue
          try {
            const trade = await providerFor(attempt).query(attempt.id)
            await applyTrade(attempt, trade)
            if (attempt.status === 'created' && trade.state === 'NOT_FOUND') await closeAttempt(attempt, 'create_interrupted')
          } catch {
            // One wallet failing must not stop the others; the next sweep retries.
          }
        }
      } finally {
        sweeping = null
      }
    })()
    return sweeping
  }

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
    options,
    create,
    close,
    closeAllForOrder,
    get: (id: string) => toAttempt(requireAttempt(id)),
    listForOrder: (orderId: string) => listAttemptRowsForOrder(db, orderId).map(toAttempt),
    acceptNotification,
    sweep,
  }
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
