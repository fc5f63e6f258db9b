import { createHmac } from 'node:crypto'
import { present } from '../../shared/assert'
import { EngineError } from '../../shared/errors'
import type { WalletId } from '../../shared/wallets'
import { prepared } from '../db/prepared'
import { getOrderLines, getOrderRow, type OrderRow } from '../orders/queries'
import { maskName, normalizePayCode, normalizePhone, sameSecret } from './codes'
import { eligibleWallets, MAX_WRONG_ANSWERS, type FriendPayContext } from './context'
import { getFriendPay, getFriendPayByCode, recordWrongAnswer, type FriendPayRow } from './queries'

/** How long a passed verification lets the friend go on to pay. */
const PROOF_TTL_MS = 15 * 60_000

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

/** `<id>.<secret>` from the link; the secret is compared in constant time. */
function resolve(ctx: FriendPayContext, ref: string): FriendPayRow | null {
  const match = /^(fpr_[0-9A-Z]{26})\.([A-Za-z0-9_-]{22})$/.exec(ref)
  if (!match) return null
  const row = getFriendPay(ctx.db, present(match[1], 'the request id of a matched link'))
  return row && sameSecret(present(match[2], 'the secret of a matched link'), row.secret) ? row : null
}

function pageOf(ctx: FriendPayContext, row: FriendPayRow): FriendPage {
  const order = present(getOrderRow(ctx.db, row.order_id), `order ${row.order_id} of friend-pay request ${row.id}`)
  return {
    request: row,
    order,
    lines: getOrderLines(ctx.db, order.id).map((l) => ({ name: l.name, quantity: l.quantity, amountFen: l.amountFen })),
    requesterMasked: maskName(row.requester_name),
    wallets: eligibleWallets(ctx, order),
  }
}

/** What the friend's page shows for a link. */
export function pageState(ctx: FriendPayContext, ref: string): FriendPageState {
  const row = resolve(ctx, ref)
  if (!row) return { kind: 'not_found' }
  if (row.status === 'paid') return { kind: 'paid', page: pageOf(ctx, row), paidWallet: paidWallet(ctx, row) }
  if (row.status === 'cancelled') return { kind: 'cancelled', request: row }
  if (row.status === 'expired' || row.expires_at <= ctx.clock.now()) return { kind: 'expired', request: row }
  if (row.locked_at !== null) return { kind: 'locked', request: row }
  return { kind: 'open', page: pageOf(ctx, row) }
}

function paidWallet(ctx: FriendPayContext, row: FriendPayRow): WalletId | null {
  if (!row.paid_attempt_id) return null
  const paid = prepared(ctx.db, 'SELECT wallet FROM payment_attempts WHERE id = ?').get(row.paid_attempt_id) as
    { wallet: WalletId } | undefined
  return paid?.wallet ?? null
}

function proofFor(ctx: FriendPayContext, row: FriendPayRow, until: number): string {
  const mac = createHmac('sha256', ctx.proofKey).update(`${row.id}:${until}`).digest('base64url')
  return `${until}.${mac}`
}

/** Whether the friend passed verification recently (an open request needs none). */
export function proofValid(ctx: FriendPayContext, row: FriendPayRow, proof: string | undefined): boolean {
  if (row.mode === 'open') return true
  const [untilText, mac] = (proof ?? '').split('.')
  const until = Number(untilText)
  if (!Number.isSafeInteger(until) || until < ctx.clock.now() || !mac) return false
  return sameSecret(proofFor(ctx, row, until), `${untilText}.${mac}`)
}

/** Checks the friend's answer: the requester's first character, or the designated payer's phone. */
export function verify(ctx: FriendPayContext, ref: string, answer: string): VerifyResult {
  const row = resolve(ctx, ref)
  if (!row || row.status !== 'open' || row.expires_at <= ctx.clock.now()) {
    throw new EngineError('FRIEND_PAY_NOT_FOUND', 'no open request')
  }
  if (row.locked_at !== null) return { ok: false, locked: true, triesLeft: 0 }
  if (answerIsRight(row, answer.trim())) return { ok: true, proof: proofFor(ctx, row, ctx.clock.now() + PROOF_TTL_MS) }
  let outcome = { tries: 0, lockedNow: false }
  ctx.events.unitOfWork(() => {
    outcome = recordWrongAnswer(ctx.db, row.id, MAX_WRONG_ANSWERS, ctx.clock.now())
    ctx.events.append({
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

function answerIsRight(row: FriendPayRow, given: string): boolean {
  if (row.mode === 'open') return true
  if (row.mode === 'designated') {
    return sameSecret(normalizePhone(given), present(row.payer_phone, 'the phone of a designated payer'))
  }
  const first = present([...row.requester_name][0], "the first character of the requester's name")
  return sameSecret(given.toLocaleLowerCase('zh-CN'), first.toLocaleLowerCase('zh-CN'))
}

/** Starts (or reuses) the friend's payment with a wallet; returns where to send the friend. */
export async function pay(
  ctx: FriendPayContext,
  ref: string,
  wallet: WalletId,
  proof: string | undefined,
): Promise<string> {
  const state = pageState(ctx, ref)
  if (state.kind !== 'open') throw new EngineError('FRIEND_PAY_NOT_FOUND', 'this request cannot be paid')
  const { request, order, wallets } = state.page
  if (!proofValid(ctx, request, proof)) throw new EngineError('VERIFICATION_FAILED', 'verify first')
  if (!wallets.includes(wallet)) throw new EngineError('WALLET_UNAVAILABLE', `${wallet} cannot pay this request`)
  const attempt = await ctx.payments.linkedQrAttempt(order, wallet, { friendPayId: request.id })
  return present(attempt.qr_content, `the QR content of payment ${attempt.id}`)
}

/** The request a typed pay code names, if any. */
export function findByPayCode(ctx: FriendPayContext, text: string): FriendPayRow | null {
  const code = normalizePayCode(text)
  return /^[0-9A-Z]{8}$/.test(code) ? getFriendPayByCode(ctx.db, code) : null
}
