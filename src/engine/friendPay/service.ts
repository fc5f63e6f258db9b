import { prepared } from '../db/prepared'
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Database } from 'better-sqlite3'
import type { OperationParsedInput } from '../../shared/api/operations'
import type { FriendPayRequest, PaymentOption } from '../../shared/api/types'
import { EngineError } from '../../shared/errors'
import { FRIEND_PAY_MAX_WRONG_ANSWERS } from '../../shared/friendPay'
import type { WalletId } from '../../shared/wallets'
import { toIso, toIsoOrNull, type Clock } from '../clock'
import { getRoutingSettings } from '../config/routing'
import type { EventLog } from '../events/log'
import { newSecretToken, type IdPrefix } from '../ids'
import { getOrderLines, getOrderRow, type OrderRow } from '../orders/queries'
import { findPendingLinkedAttempt, listUnfinishedAttemptsForFriendPay, type AttemptRow } from '../payments/queries'
import { qrSvg, type PaymentService } from '../payments/service'
import {
  extendOrderDeadline,
  finishFriendPay,
  getFriendPay,
  getFriendPayByCode,
  insertFriendPay,
  listDueFriendPay,
  listFriendPay,
  listOpenFriendPayForOrder,
  recordWrongAnswer,
  restoreOrderDeadline,
  type FriendPayRow,
} from './queries'

export const MAX_WRONG_ANSWERS = FRIEND_PAY_MAX_WRONG_ANSWERS
/** How long a passed verification lets the friend go on to pay. */
const PROOF_TTL_MS = 15 * 60_000
/** Crockford base32: no I, L, O, U — nothing to misread when the code is typed from a chat. */
const PAY_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

export interface FriendPage {
  request: FriendPayRow
  order: OrderRow
  lines: { name: string; quantity: number; amountFen: number }[]
  requesterMasked: string
  wallets: WalletId[]
}

export type FriendPageState =
  | { kind: 'not_found' }
  | { kind: 'expired' | 'cancelled' | 'locked'; request: FriendPayRow }
  | { kind: 'paid'; page: FriendPage; paidWallet: WalletId | null }
  | { kind: 'open'; page: FriendPage }

export type VerifyResult = { ok: true; proof: string } | { ok: false; locked: boolean; triesLeft: number }

/** 王小明 → 王** (or *小明 when the friend must supply the first character). */
export function maskName(name: string, hideFirst: boolean): string {
  const chars = [...name]
  if (hideFirst) return `*${chars.slice(1).join('') || ''}`
  // Spaces stay, so a Latin name keeps its shape: Wang Xiaoming → W*** X*******.
  const masked = chars.map((c, i) => (i === 0 || c === ' ' ? c : chars[i - 1] === ' ' ? c : '*')).join('')
  return chars.length === 1 ? `${chars[0]}*` : masked
}

export function maskPhone(phone: string): string {
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`
}

/** A pay code as typed from a chat: case, spaces and dashes ignored; O read as 0, I and L as 1. */
export function normalizePayCode(text: string): string {
  return text.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1')
}

function newPayCode(): string {
  const bytes = randomBytes(8)
  return [...bytes].map((b) => PAY_CODE_ALPHABET[b & 31]).join('')
}

function formatPayCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

function normalizePhone(text: string): string {
  const digits = text.replace(/[^\d]/g, '')
  return digits.length === 13 && digits.startsWith('86') ? digits.slice(2) : digits
}

/**
 * Ask a friend to pay (找人代付): a share link with a QR and a short pay code, three verification modes,
 * expiry enforced from the database (so it survives restarts), and money that arrives too late refunded.
 */
export function createFriendPayService(deps: {
  db: Database
  clock: Clock
  events: EventLog
  payments: PaymentService
  optionsFor: (order: OrderRow) => PaymentOption[]
  newId: (prefix: IdPrefix) => string
  publicBaseUrl: () => string
  /** Key for the short-lived proof that a friend passed verification. */
  proofKey: string
  /** An order's own payable time, restored when its friend-pay requests end. */
  orderTtlMs: number
}) {
  const { db, clock, events, payments } = deps

  function requireRequest(id: string): FriendPayRow {
    const row = getFriendPay(db, id)
    if (!row) throw new EngineError('FRIEND_PAY_NOT_FOUND', `no friend-pay request ${id}`)
    return row
  }

  function urlOf(row: FriendPayRow): string {
    return `${deps.publicBaseUrl()}/f/${row.id}.${row.secret}`
  }

  async function view(row: FriendPayRow): Promise<FriendPayRequest> {
    const url = urlOf(row)
    return {
      id: row.id,
      orderId: row.order_id,
      status: row.status,
      mode: row.mode,
      requesterName: row.requester_name,
      requesterMasked: maskName(row.requester_name, row.mode === 'name-initial'),
      payerPhoneMasked: row.payer_phone ? maskPhone(row.payer_phone) : null,
      message: row.message,
      amountFen: row.amount_fen,
      url,
      payCode: formatPayCode(row.pay_code),
      qrSvg: await qrSvg(url),
      locked: row.locked_at !== null,
      failedTries: row.failed_tries,
      cancelReason: row.cancel_reason,
      expiresAt: toIso(row.expires_at),
      createdAt: toIso(row.created_at),
      paidAt: toIsoOrNull(row.paid_at),
      expiredAt: toIsoOrNull(row.expired_at),
      cancelledAt: toIsoOrNull(row.cancelled_at),
    }
  }

  /** The wallets a friend may use for this order now: the order's routing, friend-pay switched on. */
  function eligibleWallets(order: OrderRow): WalletId[] {
    return deps
      .optionsFor(order)
      .filter((o) => o.available && o.methods.includes('friend-pay'))
      .map((o) => o.wallet)
  }

  async function create(input: OperationParsedInput<'friendPay.create'>): Promise<FriendPayRequest> {
    const order = payments.requireOrder(input.id)
    const now = clock.now()
    if ((order.status !== 'open' && order.status !== 'awaiting_payment') || order.expires_at <= now) {
      throw new EngineError('ORDER_NOT_PAYABLE', `order ${order.id} is ${order.status}`)
    }
    const settings = getRoutingSettings(db).friendPay
    if (!settings.enabled)
      throw new EngineError('FRIEND_PAY_UNAVAILABLE', 'friend pay is switched off', { reason: 'DISABLED' })
    if (order.total_fen > settings.maxFen) {
      throw new EngineError('FRIEND_PAY_UNAVAILABLE', `a friend may be asked for at most ${settings.maxFen} fen`, {
        reason: 'AMOUNT_ABOVE_MAX',
        maxFen: settings.maxFen,
      })
    }
    if (!eligibleWallets(order).length) {
      throw new EngineError('FRIEND_PAY_UNAVAILABLE', 'no wallet may be used by a friend for this order', {
        reason: 'NO_ELIGIBLE_WALLET',
      })
    }
    const id = deps.newId('fpr')
    const expiresAt = now + settings.ttlHours * 3600_000
    events.unitOfWork(() => {
      let payCode = newPayCode()
      while (getFriendPayByCode(db, payCode)) payCode = newPayCode()
      insertFriendPay(
        db,
        {
          id,
          order_id: order.id,
          secret: newSecretToken(16),
          pay_code: payCode,
          requester_name: input.requesterName,
          mode: input.mode,
          payer_phone: input.payerPhone ?? null,
          message: input.message ?? null,
          amount_fen: order.total_fen,
          expires_at: expiresAt,
        },
        now,
      )
      // The order stays payable for as long as the friend may pay it.
      extendOrderDeadline(db, order.id, expiresAt, now)
      events.append({
        type: 'friend_pay.created',
        orderId: order.id,
        data: { friendPayId: id, mode: input.mode, amountFen: order.total_fen, expiresAt: toIso(expiresAt) },
      })
    })
    return view(requireRequest(id))
  }

  /** Closes the request's open payments at their wallets, then ends the request. */
  async function finish(row: FriendPayRow, to: 'expired' | 'cancelled', reason: string): Promise<void> {
    for (const attempt of listUnfinishedAttemptsForFriendPay(db, row.id)) {
      await payments.closeAttempt(attempt, to === 'expired' ? 'friend_pay_expired' : 'friend_pay_cancelled')
    }
    events.unitOfWork(() => {
      // A friend who chose a wallet while the closing calls were under way leaves a new open payment: try again.
      if (listUnfinishedAttemptsForFriendPay(db, row.id).length > 0) {
        throw new EngineError('CONCURRENT_UPDATE', 'a payment of this request is still open, try again')
      }
      if (finishFriendPay(db, row.id, to, clock.now(), to === 'cancelled' ? { cancelReason: reason } : {})) {
        restoreOrderDeadline(db, row.order_id, deps.orderTtlMs, clock.now())
        events.append({
          type: to === 'expired' ? 'friend_pay.expired' : 'friend_pay.cancelled',
          orderId: row.order_id,
          data: { friendPayId: row.id, reason },
        })
      }
    })
  }

  async function cancel(id: string): Promise<FriendPayRequest> {
    const row = requireRequest(id)
    if (row.status === 'open') await finish(row, 'cancelled', 'cancelled_by_requester')
    const after = requireRequest(id)
    if (after.status === 'paid') throw new EngineError('INVALID_STATE', 'the friend has already paid')
    return view(after)
  }

  /** Ends every open request past its deadline (the sweep runs this; the database is the schedule). */
  async function expireDue(): Promise<void> {
    for (const row of listDueFriendPay(db, clock.now())) {
      try {
        await finish(row, 'expired', 'expired')
      } catch {
        // A wallet did not answer: the next sweep tries again.
      }
    }
  }

  /** Inside the transaction that pays an order: its friend requests follow. */
  function onOrderPaid(orderId: string, attempt: AttemptRow, now: number): void {
    for (const row of listOpenFriendPayForOrder(db, orderId)) {
      if (row.id === attempt.friend_pay_id) {
        finishFriendPay(db, row.id, 'paid', now, { paidAttemptId: attempt.id })
        events.append({
          type: 'friend_pay.paid',
          orderId,
          attemptId: attempt.id,
          data: { friendPayId: row.id, wallet: attempt.wallet },
        })
      } else {
        finishFriendPay(db, row.id, 'cancelled', now, { cancelReason: 'order_paid' })
        events.append({ type: 'friend_pay.cancelled', orderId, data: { friendPayId: row.id, reason: 'order_paid' } })
      }
    }
  }

  // ---- the friend's page ----

  /** `<id>.<secret>` from the link; the secret is compared in constant time. */
  function resolve(ref: string): FriendPayRow | null {
    const match = /^(fpr_[0-9A-Z]{26})\.([A-Za-z0-9_-]{22})$/.exec(ref)
    if (!match) return null
    const row = getFriendPay(db, match[1]!)
    return row && sameSecret(match[2]!, row.secret) ? row : null
  }

  function pageOf(row: FriendPayRow): FriendPage {
    const order = getOrderRow(db, row.order_id)!
    return {
      request: row,
      order,
      lines: getOrderLines(db, order.id).map((l) => ({ name: l.name, quantity: l.quantity, amountFen: l.amountFen })),
      requesterMasked: maskName(row.requester_name, row.mode === 'name-initial'),
      wallets: eligibleWallets(order),
    }
  }

  function pageState(ref: string): FriendPageState {
    const row = resolve(ref)
    if (!row) return { kind: 'not_found' }
    if (row.status === 'paid') {
      const paid = row.paid_attempt_id
        ? (prepared(db, 'SELECT wallet FROM payment_attempts WHERE id = ?').get(row.paid_attempt_id) as {
            wallet: WalletId
          })
        : null
      return { kind: 'paid', page: pageOf(row), paidWallet: paid?.wallet ?? null }
    }
    if (row.status === 'cancelled') return { kind: 'cancelled', request: row }
    if (row.status === 'expired' || row.expires_at <= clock.now()) return { kind: 'expired', request: row }
    if (row.locked_at !== null) return { kind: 'locked', request: row }
    return { kind: 'open', page: pageOf(row) }
  }

  function proofFor(row: FriendPayRow, until: number): string {
    const mac = createHmac('sha256', deps.proofKey).update(`${row.id}:${until}`).digest('base64url')
    return `${until}.${mac}`
  }

  function proofValid(row: FriendPayRow, proof: string | undefined): boolean {
    if (row.mode === 'open') return true
    const [untilText, mac] = (proof ?? '').split('.')
    const until = Number(untilText)
    if (!Number.isSafeInteger(until) || until < clock.now() || !mac) return false
    return sameSecret(proofFor(row, until), `${untilText}.${mac}`)
  }

  /** Checks the friend's answer: the requester's first character, or the designated payer's phone. */
  function verify(ref: string, answer: string): VerifyResult {
    const row = resolve(ref)
    if (!row || row.status !== 'open' || row.expires_at <= clock.now())
      throw new EngineError('FRIEND_PAY_NOT_FOUND', 'no open request')
    if (row.locked_at !== null) return { ok: false, locked: true, triesLeft: 0 }
    const given = answer.trim()
    const expected = row.mode === 'designated' ? row.payer_phone! : [...row.requester_name][0]!
    const right =
      row.mode === 'open' ||
      (row.mode === 'designated'
        ? sameSecret(normalizePhone(given), expected)
        : sameSecret(given.toLocaleLowerCase('zh-CN'), expected.toLocaleLowerCase('zh-CN')))
    if (right) return { ok: true, proof: proofFor(row, clock.now() + PROOF_TTL_MS) }
    let outcome = { tries: 0, lockedNow: false }
    events.unitOfWork(() => {
      outcome = recordWrongAnswer(db, row.id, MAX_WRONG_ANSWERS, clock.now())
      events.append({
        type: outcome.lockedNow ? 'friend_pay.locked' : 'friend_pay.verification_failed',
        orderId: row.order_id,
        data: { friendPayId: row.id, tries: outcome.tries },
      })
    })
    return {
      ok: false,
      locked: outcome.tries >= MAX_WRONG_ANSWERS,
      triesLeft: Math.max(MAX_WRONG_ANSWERS - outcome.tries, 0),
    }
  }

  /** Starts (or reuses) the friend's payment with a wallet; returns where to send the friend. */
  async function pay(ref: string, wallet: WalletId, proof: string | undefined): Promise<string> {
    const state = pageState(ref)
    if (state.kind !== 'open') throw new EngineError('FRIEND_PAY_NOT_FOUND', 'this request cannot be paid')
    const { request, order, wallets } = state.page
    if (!proofValid(request, proof)) throw new EngineError('VERIFICATION_FAILED', 'verify first')
    if (!wallets.includes(wallet)) throw new EngineError('WALLET_UNAVAILABLE', `${wallet} cannot pay this request`)
    const existing = findPendingLinkedAttempt(db, { friendPayId: request.id }, wallet, clock.now())
    const attempt = existing ?? (await payments.createQrAttempt(order, wallet, { friendPayId: request.id }))
    return attempt.qr_content!
  }

  function findByPayCode(text: string): FriendPayRow | null {
    const code = normalizePayCode(text)
    return /^[0-9A-Z]{8}$/.test(code) ? getFriendPayByCode(db, code) : null
  }

  return {
    create,
    get: async (id: string) => view(requireRequest(id)),
    list: async (input: OperationParsedInput<'friendPay.list'>) =>
      Promise.all(listFriendPay(db, { status: input.status, orderId: input.orderId }, input.limit).map(view)),
    cancel,
    expireDue,
    onOrderPaid,
    pageState,
    verify,
    pay,
    proofValid,
    linkOf: (row: FriendPayRow) => `/f/${row.id}.${row.secret}`,
    findByPayCode,
  }
}

export type FriendPayService = ReturnType<typeof createFriendPayService>
