import { keptPerDatabase } from '../db/kept'
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

const STATUS_COLUMN: Record<AttemptStatus, 'pending_at' | 'succeeded_at' | 'failed_at' | 'closed_at' | null> = {
  created: null,
  pending: 'pending_at',
  succeeded: 'succeeded_at',
  failed: 'failed_at',
  closed: 'closed_at',
}

/** Writes a new attempt (status `created`) and returns its row as a read would. */
export function insertAttempt(db: Database, attempt: NewAttempt, now: number): AttemptRow {
  const { staffId } = currentActor()
  const { lastInsertRowid } = prepared(
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
  keptRowids.keep(db, attempt.id, Number(lastInsertRowid))
  accountWritten(db, attempt.wallet, attempt.accountId, {
    rowid: Number(lastInsertRowid),
    updated_at: now,
    status: 'created',
    failure_code: null,
    failed_at: null,
  })
  return keepAttempt(db, {
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
  })
}

/**
 * Attempts as last read or written, by id: a checkout reads its attempt about four times (the notification, the
 * unit that records it, the journal's postings). Every write of an attempt is in this file and keeps the row it
 * wrote; all are forgotten whenever a write is undone (`forgetAttempts`). Rows are shared: nobody may change one.
 */
/** The codes on show and the payments being settled right now, with room to spare. */
const ATTEMPTS_KEPT = 1024
const keptAttempts = keptPerDatabase<AttemptRow>(ATTEMPTS_KEPT)

function keepAttempt(db: Database, row: AttemptRow): AttemptRow {
  return keptAttempts.keep(db, row.id, row)
}

/** After a write was undone: a kept attempt may hold what never happened. */
export function forgetAttempts(db: Database): void {
  keptAttempts.forgetAll(db)
  keptRowids.forgetAll(db)
}

/**
 * Row numbers of the kept attempts: the key of an attempt's entry in its account's health window. A row keeps its
 * number for good (the books are never VACUUMed in place; a restore replaces the file before the engine starts).
 */
const keptRowids = keptPerDatabase<number>(ATTEMPTS_KEPT)

/** A kept attempt as the UPDATE that just succeeded left it (the same columns, the same values). */
function keepWritten(db: Database, id: string, write: (row: AttemptRow) => void): AttemptRow | null {
  const kept = keptAttempts.get(db, id)
  if (!kept) return null
  const written = { ...kept }
  write(written)
  return keepAttempt(db, written)
}

export function getAttemptRow(db: Database, id: string): AttemptRow | null {
  const kept = keptAttempts.get(db, id)
  if (kept) return kept
  const row = rowReader(db, 'SELECT * FROM payment_attempts WHERE id = ?')(id) as AttemptRow | undefined
  return row ? keepAttempt(db, row) : null
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

/** What a write of an attempt returns: its account, and its entry in that account's health window. */
const WRITTEN_COLUMNS = 'wallet, account_id, rowid, updated_at, status, failure_code, failed_at'
interface WrittenAttempt extends WindowEntry {
  wallet: string
  account_id: string | null
}

const transitionSqls = new Map<string, string>()

/** The UPDATE of a transition into `to` writing these extra columns, made once per kind of transition. */
function transitionSql(to: AttemptStatus, extra: TransitionExtra, readBack: boolean): string {
  const shape =
    (readBack ? 16 : 0) |
    (extra.qrContent !== undefined ? 8 : 0) |
    (extra.providerTradeNo !== undefined ? 4 : 0) |
    (extra.failureCode !== undefined ? 2 : 0) |
    (extra.userPaying !== undefined ? 1 : 0)
  const key = `${to}:${shape}`
  let sql = transitionSqls.get(key)
  if (sql === undefined) {
    const column = STATUS_COLUMN[to]
    const sets = ['status = ?', 'updated_at = ?']
    if (column) sets.push(`${column} = ?`)
    if (extra.qrContent !== undefined) sets.push('qr_content = ?')
    if (extra.providerTradeNo !== undefined) sets.push('provider_trade_no = ?')
    if (extra.failureCode !== undefined) sets.push('failure_code = ?')
    if (extra.userPaying !== undefined) sets.push('user_paying = ?')
    sql = `UPDATE payment_attempts SET ${sets.join(', ')} WHERE id = ? AND status = ?`
    if (readBack) sql += ` RETURNING ${WRITTEN_COLUMNS}`
    transitionSqls.set(key, sql)
  }
  return sql
}

interface TransitionExtra {
  qrContent?: string
  providerTradeNo?: string | null
  failureCode?: string
  userPaying?: boolean
}

/** Compare-and-set transition with its timestamp; extra columns are written in the same update. */
export function transitionAttempt(
  db: Database,
  id: string,
  from: AttemptStatus,
  to: AttemptStatus,
  now: number,
  extra: TransitionExtra = {},
): boolean {
  const column = STATUS_COLUMN[to]
  const params: unknown[] = [to, now]
  if (column) params.push(now)
  if (extra.qrContent !== undefined) params.push(extra.qrContent)
  if (extra.providerTradeNo !== undefined) params.push(extra.providerTradeNo)
  if (extra.failureCode !== undefined) params.push(extra.failureCode)
  if (extra.userPaying !== undefined) params.push(extra.userPaying ? 1 : 0)
  params.push(id, from)
  // A kept attempt whose row number is known needs nothing read back: it is written as the UPDATE leaves it.
  const rowid = keptRowids.get(db, id)
  const kept = rowid === undefined ? undefined : keptAttempts.get(db, id)
  const statement = prepared(db, transitionSql(to, extra, kept === undefined))
  if (kept === undefined || rowid === undefined) {
    const changed = statement.get(params) as WrittenAttempt | undefined
    if (!changed) return false
    accountWritten(db, changed.wallet, changed.account_id, changed)
    keptRowids.keep(db, id, changed.rowid)
  } else if (statement.run(params).changes === 0) {
    return false
  }
  const written = keepWritten(db, id, (row) => {
    row.status = to
    row.updated_at = now
    if (column) row[column] = now
    if (extra.qrContent !== undefined) row.qr_content = extra.qrContent
    if (extra.providerTradeNo !== undefined) row.provider_trade_no = extra.providerTradeNo
    if (extra.failureCode !== undefined) row.failure_code = extra.failureCode
    if (extra.userPaying !== undefined) row.user_paying = extra.userPaying ? 1 : 0
  })
  if (kept !== undefined && rowid !== undefined && written) {
    const { status, failure_code, failed_at } = written
    accountWritten(db, written.wallet, written.account_id, { rowid, updated_at: now, status, failure_code, failed_at })
  }
  return true
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
    `UPDATE payment_attempts SET user_paying = 1, updated_at = ? WHERE id = ? AND status = 'pending' AND user_paying = 0
     RETURNING ${WRITTEN_COLUMNS}`,
  ).get(now, id) as WrittenAttempt | undefined
  if (!changed) return false
  accountWritten(db, changed.wallet, changed.account_id, changed)
  keepWritten(db, id, (row) => {
    row.user_paying = 1
    row.updated_at = now
  })
  return true
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
 * An account's last payments (its health window), newest first. The order is the covering index's, spelled out to
 * its end (ties broken by status, failure code, failure time, then row), so the window kept in memory below can be
 * kept in exactly the same order.
 */
export const ACCOUNT_WINDOW_SQL = `SELECT rowid, updated_at, status, failure_code, failed_at FROM payment_attempts
  WHERE wallet = ? AND account_id = ? AND updated_at >= ?
  ORDER BY updated_at DESC, status DESC, failure_code DESC, failed_at DESC, rowid DESC LIMIT ${ACCOUNT_WINDOW_SIZE}`

/** One payment in an account's window, as the window's index holds it. */
export interface WindowEntry {
  rowid: number
  updated_at: number
  status: AttemptStatus
  failure_code: string | null
  failed_at: number | null
}

/**
 * Routing reads the window of every account on every checkout, and the busiest account's changes with every
 * payment: the windows read are kept, and each write of a payment moves it within its account's kept window (or,
 * when that cannot be done exactly, drops the window). All are dropped whenever a write is undone.
 */
interface KeptWindow {
  /** The window was read for payments updated since then. */
  since: number
  entries: WindowEntry[]
}
const keptWindows = new WeakMap<Database, Map<string, KeptWindow>>()
const windowKey = (wallet: string, accountId: string) => `${wallet}\u0000${accountId}`

/** SQL's DESC order of the window (NULL sorts first in SQLite, so last here). */
function newerFirst(a: WindowEntry, b: WindowEntry): number {
  return (
    b.updated_at - a.updated_at ||
    compareText(b.status, a.status) ||
    compareText(b.failure_code, a.failure_code) ||
    (b.failed_at ?? -Infinity) - (a.failed_at ?? -Infinity) ||
    b.rowid - a.rowid
  )
}

function compareText(a: string | null, b: string | null): number {
  if (a === b) return 0
  if (a === null) return -1
  if (b === null) return 1
  return a < b ? -1 : 1
}

/** A payment was written: its entry moves to its new place in its account's kept window. */
function accountWritten(db: Database, wallet: string, accountId: string | null, entry: WindowEntry): void {
  if (accountId === null) return
  const windows = keptWindows.get(db)
  const key = windowKey(wallet, accountId)
  const kept = windows?.get(key)
  if (!windows || !kept) return
  const entries = kept.entries.filter((e) => e.rowid !== entry.rowid)
  const full = kept.entries.length === ACCOUNT_WINDOW_SIZE
  const last = entries[entries.length - 1]
  // A payment that would sort below a full window's last one: which rows the window holds then is SQL's to say.
  if (full && last !== undefined && newerFirst(entry, last) > 0) {
    windows.delete(key)
    return
  }
  if (entry.updated_at >= kept.since) {
    const at = entries.findIndex((e) => newerFirst(entry, e) < 0)
    entries.splice(at < 0 ? entries.length : at, 0, entry)
  }
  if (entries.length > ACCOUNT_WINDOW_SIZE) entries.length = ACCOUNT_WINDOW_SIZE
  kept.entries = entries
}

/** Forgets every kept window (a write was undone, so a kept window may count it). */
export function forgetAccountOutcomes(db: Database): void {
  keptWindows.delete(db)
}

export function accountOutcomesSince(db: Database, wallet: string, accountId: string, since: number): AccountHealth {
  return outcomesOf(accountWindow(db, wallet, accountId, since))
}

/** The account's window: its last payments updated since `since`, newest first, as ACCOUNT_WINDOW_SQL reads them. */
export function accountWindow(db: Database, wallet: string, accountId: string, since: number): readonly WindowEntry[] {
  let kept = keptWindows.get(db)
  if (!kept) keptWindows.set(db, (kept = new Map()))
  const key = windowKey(wallet, accountId)
  let window = kept.get(key)
  const oldest = window?.entries[window.entries.length - 1]
  if (!window || since < window.since || (oldest !== undefined && since > oldest.updated_at)) {
    const entries = prepared(db, ACCOUNT_WINDOW_SQL).all(wallet, accountId, since) as WindowEntry[]
    kept.set(key, (window = { since, entries }))
  }
  return window.entries
}

/** Successes and failures that are the channel's (a declined card is the customer's), and the last failure. */
function outcomesOf(entries: readonly WindowEntry[]): AccountHealth {
  let successes = 0
  let failures = 0
  let lastFailureAt: number | null = null
  for (const entry of entries) {
    if (entry.status === 'succeeded') successes++
    else if (entry.status === 'failed' && entry.failure_code !== 'PAYERROR' && entry.failure_code !== 'DECLINED') {
      failures++
      if (entry.failed_at !== null && (lastFailureAt === null || entry.failed_at > lastFailureAt)) {
        lastFailureAt = entry.failed_at
      }
    }
  }
  return { successes, failures, lastFailureAt }
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
