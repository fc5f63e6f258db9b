import { prepared } from '../db/prepared'
import { forgetOrder } from '../orders/queries'
import type { Database } from 'better-sqlite3'
import type { z } from 'zod'
import type { Refund } from '../../shared/api/schemas'
import type { RefundKind, RefundStatus } from '../../shared/refunds'
import { toIso, toIsoOrNull } from '../clock'
import { EngineError } from '../../shared/errors'

export type RefundView = z.output<typeof Refund>
export type AutomaticRefundReason = 'duplicate_payment' | 'late_payment' | 'amount_mismatch'
export interface RefundedLine {
  lineId: string
  quantity: number
  amountFen: number
}

interface RefundRow {
  id: string
  order_id: string
  attempt_id: string
  wallet: RefundView['wallet']
  kind: RefundKind
  amount_fen: number
  reason: string
  note: string | null
  /** JSON of RefundedLine[], or null. */
  lines: string | null
  staff_id: string | null
  approved_by: string | null
  retry_of: string | null
  status: RefundStatus
  provider_refund_no: string | null
  tries: number
  last_error: string | null
  created_at: number
  updated_at: number
  processing_at: number | null
  succeeded_at: number | null
  failed_at: number | null
}

export type { RefundRow }

/** A refund still to be settled with its wallet: recorded, or accepted and under way. */
const UNFINISHED = "status IN ('pending', 'processing')"

/** Records an automatic refund of a whole payment; a second request for the same payment is ignored. */
export function insertAutomaticRefund(
  db: Database,
  refund: {
    id: string
    orderId: string
    attemptId: string
    wallet: string
    amountFen: number
    reason: AutomaticRefundReason
  },
  now: number,
): boolean {
  return (
    prepared(
      db,
      `INSERT OR IGNORE INTO refunds (id, order_id, attempt_id, wallet, amount_fen, reason, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
    ).run(refund.id, refund.orderId, refund.attemptId, refund.wallet, refund.amountFen, refund.reason, now, now)
      .changes === 1
  )
}

export interface NewMerchantRefund {
  id: string
  orderId: string
  attemptId: string
  wallet: string
  amountFen: number
  reason: string
  note: string | null
  lines: RefundedLine[]
  staffId: string | null
  approvedBy: string | null
}

/** Records a merchant refund; the database refuses it if the payment's refunds would exceed what it took. */
export function insertMerchantRefund(db: Database, refund: NewMerchantRefund, now: number): void {
  withinPayment(() =>
    prepared(
      db,
      `INSERT INTO refunds (id, order_id, attempt_id, wallet, kind, amount_fen, reason, note, lines, staff_id,
       approved_by, status, created_at, updated_at)
     VALUES (@id, @orderId, @attemptId, @wallet, 'merchant', @amountFen, @reason, @note, @lines, @staffId,
       @approvedBy, 'pending', @now, @now)`,
    ).run({ ...refund, lines: refund.lines.length > 0 ? JSON.stringify(refund.lines) : null, now }),
  )
}

/** The `refunds_within_payment` trigger's refusal, as the coded error a caller can act on. */
function withinPayment(insert: () => unknown): void {
  try {
    insert()
  } catch (error) {
    if (error instanceof Error && error.message === 'refunds exceed the payment') {
      throw new EngineError('REFUND_EXCEEDS_PAID', 'the refunds of this payment would exceed what it took')
    }
    throw error
  }
}

/** What a payment's refunds hold against it: all but those the wallet refused (an ABNORMAL one has left). */
export function refundsHeldAgainst(db: Database, attemptId: string): number {
  return (
    prepared(
      db,
      `SELECT COALESCE(SUM(amount_fen), 0) AS total FROM refunds
       WHERE attempt_id = ? AND (status != 'failed' OR last_error = 'ABNORMAL')`,
    ).get(attemptId) as { total: number }
  ).total
}

/** The lines merchant refunds of an order have taken back, still holding (not refused by the wallet). */
export function returnedLines(db: Database, orderId: string): RefundedLine[] {
  const rows = prepared(
    db,
    `SELECT lines FROM refunds WHERE order_id = ? AND lines IS NOT NULL AND (status != 'failed' OR last_error = 'ABNORMAL')`,
  ).all(orderId) as { lines: string }[]
  return rows.flatMap((row) => JSON.parse(row.lines) as RefundedLine[])
}

export function listPendingRefunds(db: Database, limit: number): RefundRow[] {
  return prepared(db, `SELECT * FROM refunds WHERE ${UNFINISHED} ORDER BY created_at LIMIT ?`).all(limit) as RefundRow[]
}

export function getRefundRow(db: Database, id: string): RefundRow | null {
  return (prepared(db, 'SELECT * FROM refunds WHERE id = ?').get(id) as RefundRow | undefined) ?? null
}

export function finishRefund(
  db: Database,
  id: string,
  to: 'succeeded' | 'failed',
  providerRefundNo: string | null,
  now: number,
): boolean {
  const column = to === 'succeeded' ? 'succeeded_at' : 'failed_at'
  return (
    prepared(
      db,
      `UPDATE refunds SET status = ?, ${column} = ?, updated_at = ?, provider_refund_no = COALESCE(?, provider_refund_no)
         WHERE id = ? AND ${UNFINISHED}`,
    ).run(to, now, now, providerRefundNo, id).changes === 1
  )
}

/** Counts one call to the wallet that settled nothing; `error` is why, when the wallet or the network refused. */
export function recordRefundTry(db: Database, id: string, error: string | null, now: number): void {
  prepared(
    db,
    `UPDATE refunds SET tries = tries + 1, last_error = ?, updated_at = ? WHERE id = ? AND ${UNFINISHED}`,
  ).run(error, now, id)
}

/** pending → processing: the wallet has the refund and is still at it (then it is asked about, not sent again). */
export function markRefundProcessing(db: Database, id: string, providerRefundNo: string, now: number): boolean {
  return (
    prepared(
      db,
      `UPDATE refunds SET status = 'processing', processing_at = ?, updated_at = ?, tries = tries + 1, last_error = NULL,
         provider_refund_no = ? WHERE id = ? AND status = 'pending'`,
    ).run(now, now, providerRefundNo, id).changes === 1
  )
}

/** What merchant refunds have given back, kept on the order; never more than it took (a CHECK holds it). */
export function addRefundedToOrder(db: Database, orderId: string, amountFen: number, now: number): void {
  prepared(db, 'UPDATE orders SET refunded_fen = refunded_fen + ?, updated_at = ? WHERE id = ?').run(
    amountFen,
    now,
    orderId,
  )
  forgetOrder(db, orderId)
}

/** Whether a payment already has a refund under way or done (a retry must not add a second one). */
export function hasLiveRefund(db: Database, attemptId: string): boolean {
  return (
    prepared(db, "SELECT 1 FROM refunds WHERE attempt_id = ? AND status IN ('pending', 'processing', 'succeeded')").get(
      attemptId,
    ) !== undefined
  )
}

/** A new refund of the same money after a failed one: a new id, so a new out_refund_no at the wallet. */
export function insertRetryRefund(db: Database, failed: RefundRow, id: string, now: number): void {
  withinPayment(() =>
    prepared(
      db,
      `INSERT INTO refunds (id, order_id, attempt_id, wallet, kind, amount_fen, reason, note, lines, staff_id,
       approved_by, retry_of, status, created_at, updated_at)
     SELECT @id, order_id, attempt_id, wallet, kind, amount_fen,
       CASE kind WHEN 'automatic' THEN replace(reason, '_retry', '') || '_retry' ELSE reason END,
       note, lines, staff_id, approved_by, id, 'pending', @now, @now
     FROM refunds WHERE id = @failed`,
    ).run({ id, now, failed: failed.id }),
  )
}

export function listRefundsForOrder(db: Database, orderId: string): RefundView[] {
  const rows = prepared(db, 'SELECT * FROM refunds WHERE order_id = ? ORDER BY created_at, id').all(
    orderId,
  ) as RefundRow[]
  return rows.map(refundView)
}

export interface RefundFilter {
  orderId?: string
  status?: RefundStatus
  from?: number
  to?: number
  limit: number
}

/** Refunds newest first, filtered; a time range reads the creation-time index. */
export function listRefundRows(db: Database, filter: RefundFilter): RefundRow[] {
  const where: string[] = []
  if (filter.orderId !== undefined) where.push('order_id = @orderId')
  if (filter.status !== undefined) where.push('status = @status')
  if (filter.from !== undefined) where.push('created_at >= @from')
  if (filter.to !== undefined) where.push('created_at < @to')
  const sql = `SELECT * FROM refunds ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY created_at DESC, id DESC LIMIT @limit`
  return prepared(db, sql).all(filter) as RefundRow[]
}

export function refundView(row: RefundRow): RefundView {
  return {
    id: row.id,
    orderId: row.order_id,
    paymentId: row.attempt_id,
    attemptId: row.attempt_id,
    wallet: row.wallet,
    kind: row.kind,
    amountFen: row.amount_fen,
    reason: row.reason,
    note: row.note,
    lines: row.lines === null ? [] : (JSON.parse(row.lines) as RefundedLine[]),
    staffId: row.staff_id,
    approvedBy: row.approved_by,
    status: row.status,
    providerRefundNo: row.provider_refund_no,
    tries: row.tries,
    lastError: row.last_error,
    retryOf: row.retry_of,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    processingAt: toIsoOrNull(row.processing_at),
    succeededAt: toIsoOrNull(row.succeeded_at),
    failedAt: toIsoOrNull(row.failed_at),
  }
}
