import { prepared, rowReader } from '../db/prepared'
import { currentActor } from '../staff/principal'
import type { Database } from 'better-sqlite3'
import type { PaymentAttempt } from '../../shared/api/types'
import type { AttemptStatus } from '../../shared/states'
import type { PaymentMethod, ProviderMode, WalletId } from '../../shared/wallets'
import { toIso, toIsoOrNull } from '../clock'
import type { AccountHealth } from '../routing/accounts'

export interface AttemptRow {
  id: string
  order_id: string
  wallet: WalletId
  method: PaymentMethod
  provider: string
  mode: ProviderMode
  status: AttemptStatus
  amount_fen: number
  qr_content: string | null
  provider_trade_no: string | null
  failure_code: string | null
  expires_at: number
  created_at: number
  updated_at: number
  pending_at: number | null
  succeeded_at: number | null
  failed_at: number | null
  closed_at: number | null
  account_id: string | null
  installments: number | null
  merchant_fee_fen: number | null
  tendered_fen: number | null
  change_fen: number | null
  payment_code_masked: string | null
  user_paying: number
  aggregate_id: string | null
  friend_pay_id: string | null
  /** Who started it at the till (a staff member, `integration`), or null (a phone page, the engine). */
  staff_id: string | null
}

export interface NewAttempt {
  id: string
  orderId: string
  wallet: WalletId
  method: PaymentMethod
  provider: string
  mode: ProviderMode
  amountFen: number
  expiresAt: number
  accountId: string | null
  merchantFeeFen: number | null
  installments?: number | null
  tenderedFen?: number | null
  changeFen?: number | null
  paymentCodeMasked?: string | null
  aggregateId?: string | null
  friendPayId?: string | null
}

const STATUS_COLUMN: Record<AttemptStatus, string | null> = {
  created: null,
  pending: 'pending_at',
  succeeded: 'succeeded_at',
  failed: 'failed_at',
  closed: 'closed_at',
}

/** Writes a new attempt (status `created`) and returns its row as a read would. */
export function insertAttempt(db: Database, attempt: NewAttempt, now: number): AttemptRow {
  const { staffId } = currentActor()
  prepared(
    db,
    `INSERT INTO payment_attempts (id, order_id, wallet, method, provider, mode, status, amount_fen, expires_at,
       created_at, updated_at, account_id, merchant_fee_fen, installments, tendered_fen, change_fen,
       payment_code_masked, aggregate_id, friend_pay_id, staff_id)
     VALUES (?, ?, ?, ?, ?, ?, 'created', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    attempt.id,
    attempt.orderId,
    attempt.wallet,
    attempt.method,
    attempt.provider,
    attempt.mode,
    attempt.amountFen,
    attempt.expiresAt,
    now,
    now,
    attempt.accountId,
    attempt.merchantFeeFen,
    attempt.installments ?? null,
    attempt.tenderedFen ?? null,
    attempt.changeFen ?? null,
    attempt.paymentCodeMasked ?? null,
    attempt.aggregateId ?? null,
    attempt.friendPayId ?? null,
    staffId,
  )
  accountWritten(db, { wallet: attempt.wallet, account_id: attempt.accountId })
  return {
    id: attempt.id,
    order_id: attempt.orderId,
    wallet: attempt.wallet,
    method: attempt.method,
    provider: attempt.provider,
    mode: attempt.mode,
    status: 'created',
    amount_fen: attempt.amountFen,
    qr_content: null,
    provider_trade_no: null,
    failure_code: null,
    expires_at: attempt.expiresAt,
    created_at: now,
    updated_at: now,
    pending_at: null,
    succeeded_at: null,
    failed_at: null,
    closed_at: null,
    account_id: attempt.accountId,
    installments: attempt.installments ?? null,
    merchant_fee_fen: attempt.merchantFeeFen,
    tendered_fen: attempt.tenderedFen ?? null,
    change_fen: attempt.changeFen ?? null,
    payment_code_masked: attempt.paymentCodeMasked ?? null,
    user_paying: 0,
    aggregate_id: attempt.aggregateId ?? null,
    friend_pay_id: attempt.friendPayId ?? null,
    staff_id: staffId,
  }
}

export function getAttemptRow(db: Database, id: string): AttemptRow | null {
  return (rowReader(db, 'SELECT * FROM payment_attempts WHERE id = ?')(id) as AttemptRow | undefined) ?? null
}

export function listAttemptRowsForOrder(db: Database, orderId: string): AttemptRow[] {
  return prepared(db, 'SELECT * FROM payment_attempts WHERE order_id = ? ORDER BY id').all(orderId) as AttemptRow[]
}

export function listUnfinishedAttemptRows(db: Database, limit: number): AttemptRow[] {
  return prepared(
    db,
    "SELECT * FROM payment_attempts WHERE status IN ('created', 'pending') ORDER BY expires_at LIMIT ?",
  ).all(limit) as AttemptRow[]
}

/** An order's attempts that can still succeed (created or pending). */
export function listUnfinishedAttemptRowsForOrder(db: Database, orderId: string): AttemptRow[] {
  return prepared(
    db,
    "SELECT * FROM payment_attempts WHERE order_id = ? AND status IN ('created', 'pending') ORDER BY id",
  ).all(orderId) as AttemptRow[]
}

export function countUnfinishedAttemptsForOrder(db: Database, orderId: string): number {
  return (
    prepared(
      db,
      "SELECT COUNT(*) AS n FROM payment_attempts WHERE order_id = ? AND status IN ('created', 'pending')",
    ).get(orderId) as { n: number }
  ).n
}

/** Compare-and-set transition with its timestamp; extra columns are written in the same update. */
export function transitionAttempt(
  db: Database,
  id: string,
  from: AttemptStatus,
  to: AttemptStatus,
  now: number,
  extra: { qrContent?: string; providerTradeNo?: string | null; failureCode?: string; userPaying?: boolean } = {},
): boolean {
  const column = STATUS_COLUMN[to]
  const sets = ['status = @to', 'updated_at = @now']
  if (column) sets.push(`${column} = @now`)
  if (extra.qrContent !== undefined) sets.push('qr_content = @qrContent')
  if (extra.providerTradeNo !== undefined) sets.push('provider_trade_no = @providerTradeNo')
  if (extra.failureCode !== undefined) sets.push('failure_code = @failureCode')
  if (extra.userPaying !== undefined) sets.push('user_paying = @userPaying')
  const changed = prepared(
    db,
    `UPDATE payment_attempts SET ${sets.join(', ')} WHERE id = @id AND status = @from RETURNING wallet, account_id`,
  ).get({
    id,
    from,
    to,
    now,
    qrContent: extra.qrContent ?? null,
    providerTradeNo: extra.providerTradeNo ?? null,
    failureCode: extra.failureCode ?? null,
    userPaying: extra.userPaying ? 1 : 0,
  }) as { wallet: string; account_id: string | null } | undefined
  accountWritten(db, changed)
  return changed !== undefined
}

export function toAttempt(row: AttemptRow): PaymentAttempt {
  return {
    id: row.id,
    orderId: row.order_id,
    wallet: row.wallet,
    method: row.method,
    mode: row.mode,
    status: row.status,
    amountFen: row.amount_fen,
    qrContent: row.qr_content,
    providerTradeNo: row.provider_trade_no,
    failureCode: row.failure_code,
    accountId: row.account_id,
    installments: row.installments,
    merchantFeeFen: row.merchant_fee_fen,
    tenderedFen: row.tendered_fen,
    changeFen: row.change_fen,
    paymentCodeMasked: row.payment_code_masked,
    userPaying: row.user_paying === 1,
    friendPayId: row.friend_pay_id,
    staffId: row.staff_id,
    expiresAt: toIso(row.expires_at),
    createdAt: toIso(row.created_at),
    pendingAt: toIsoOrNull(row.pending_at),
    succeededAt: toIsoOrNull(row.succeeded_at),
    failedAt: toIsoOrNull(row.failed_at),
    closedAt: toIsoOrNull(row.closed_at),
  }
}

/** Sets the "customer is confirming in the wallet app" flag of a pending attempt; true if it changed. */
export function markUserPaying(db: Database, id: string, now: number): boolean {
  const changed = prepared(
    db,
    "UPDATE payment_attempts SET user_paying = 1, updated_at = ? WHERE id = ? AND status = 'pending' AND user_paying = 0 RETURNING wallet, account_id",
  ).get(now, id) as { wallet: string; account_id: string | null } | undefined
  accountWritten(db, changed)
  return changed !== undefined
}

/** A still-payable QR attempt opened for the same all-wallets code or friend-pay request and wallet. */
export function findPendingLinkedAttempt(
  db: Database,
  link: { aggregateId: string } | { friendPayId: string },
  wallet: string,
  now: number,
): AttemptRow | null {
  const [column, value] =
    'aggregateId' in link ? ['aggregate_id', link.aggregateId] : ['friend_pay_id', link.friendPayId]
  return (
    (prepared(
      db,
      `SELECT * FROM payment_attempts WHERE ${column} = ? AND wallet = ? AND status = 'pending' AND expires_at > ? ORDER BY id DESC LIMIT 1`,
    ).get(value, wallet, now) as AttemptRow | undefined) ?? null
  )
}

export function listUnfinishedAttemptsForFriendPay(db: Database, friendPayId: string): AttemptRow[] {
  return prepared(
    db,
    "SELECT * FROM payment_attempts WHERE friend_pay_id = ? AND status IN ('created', 'pending')",
  ).all(friendPayId) as AttemptRow[]
}

/** Gross amount a wallet took since `since` (the start of the business day). */
export function sumSucceededSince(db: Database, wallet: string, since: number): number {
  return (
    prepared(
      db,
      "SELECT COALESCE(SUM(amount_fen), 0) AS total FROM payment_attempts WHERE wallet = ? AND status = 'succeeded' AND succeeded_at >= ?",
    ).get(wallet, since) as { total: number }
  ).total
}

/**
 * What has gone back of a wallet's payments taken since `since`: refunds done or under way (a failed one gave
 * nothing back). With `sumSucceededSince`, a wallet's net takings.
 */
export function sumRefundedOfSucceededSince(db: Database, wallet: string, since: number): number {
  return (
    prepared(
      db,
      `SELECT COALESCE(SUM(r.amount_fen), 0) AS total FROM refunds r JOIN payment_attempts a ON a.id = r.attempt_id
       WHERE r.wallet = ? AND r.status != 'failed' AND a.status = 'succeeded' AND a.succeeded_at >= ?`,
    ).get(wallet, since) as { total: number }
  ).total
}

/**
 * Outcomes of one merchant account: its latest payments since `since`, at most `ACCOUNT_WINDOW_SIZE` of them
 * (a sliding window bounded in time and in count, so a busy till pays the same for it as a quiet one).
 * A customer's declined payment is not the channel's failure.
 */
export const ACCOUNT_WINDOW_SIZE = 50

/**
 * Routing reads every account's window on every checkout, while most accounts see no new payment between two
 * checkouts: a window read is kept until a payment of that account is written, or until its oldest payment
 * falls out of the time window. Dropped wholesale whenever a write is undone.
 */
interface KeptWindow {
  since: number
  oldestUpdatedAt: number | null
  outcomes: AccountHealth
}
const keptWindows = new WeakMap<Database, Map<string, KeptWindow>>()
const windowKey = (wallet: string, accountId: string | null) => `${wallet}\u0000${accountId ?? ''}`

function accountWritten(db: Database, row: { wallet: string; account_id: string | null } | undefined): void {
  if (row) keptWindows.get(db)?.delete(windowKey(row.wallet, row.account_id))
}

/** Forgets every kept window (a write was undone, so a kept window may count it). */
export function forgetAccountOutcomes(db: Database): void {
  keptWindows.delete(db)
}

export function accountOutcomesSince(db: Database, wallet: string, accountId: string, since: number): AccountHealth {
  let kept = keptWindows.get(db)
  if (!kept) keptWindows.set(db, (kept = new Map()))
  const key = windowKey(wallet, accountId)
  const hit = kept.get(key)
  if (hit && since >= hit.since && (hit.oldestUpdatedAt === null || since <= hit.oldestUpdatedAt)) return hit.outcomes
  const row = prepared(
    db,
    `SELECT
       COALESCE(SUM(status = 'succeeded'), 0) AS successes,
       COALESCE(SUM(status = 'failed' AND COALESCE(failure_code, '') NOT IN ('PAYERROR', 'DECLINED')), 0) AS failures,
       MAX(CASE WHEN status = 'failed' AND COALESCE(failure_code, '') NOT IN ('PAYERROR', 'DECLINED') THEN failed_at END) AS last_failure_at,
       MIN(updated_at) AS oldest_updated_at
     FROM (SELECT status, failure_code, failed_at, updated_at FROM payment_attempts
           WHERE wallet = ? AND account_id = ? AND updated_at >= ? ORDER BY updated_at DESC LIMIT ${ACCOUNT_WINDOW_SIZE})`,
  ).get(wallet, accountId, since) as {
    successes: number
    failures: number
    last_failure_at: number | null
    oldest_updated_at: number | null
  }
  const outcomes = { successes: row.successes, failures: row.failures, lastFailureAt: row.last_failure_at }
  kept.set(key, { since, oldestUpdatedAt: row.oldest_updated_at, outcomes })
  return outcomes
}

export function lastWalletUsedBy(db: Database, customerRef: string): string | null {
  const row = prepared(
    db,
    `SELECT pa.wallet FROM payment_attempts pa JOIN orders o ON o.id = pa.order_id
       WHERE o.customer_ref = ? AND pa.status = 'succeeded' ORDER BY pa.succeeded_at DESC LIMIT 1`,
  ).get(customerRef) as { wallet: string } | undefined
  return row?.wallet ?? null
}

/** Closed QR attempts whose code could still be paid at the wallet (deadline plus a margin not yet passed). */
export function listClosedQrAttemptsWatched(db: Database, now: number, marginMs: number): AttemptRow[] {
  return prepared(
    db,
    "SELECT * FROM payment_attempts WHERE status = 'closed' AND method = 'qr' AND expires_at > ? ORDER BY expires_at LIMIT 200",
  ).all(now - marginMs) as AttemptRow[]
}
