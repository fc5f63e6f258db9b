import { prepared } from '../db/prepared'
import type { Database } from 'better-sqlite3'
import type { z } from 'zod'
import type { Refund } from '../../shared/api/schemas'
import { toIso, toIsoOrNull } from '../clock'

export type RefundView = z.output<typeof Refund>
export type AutomaticRefundReason = 'duplicate_payment' | 'late_payment' | 'amount_mismatch'

interface RefundRow {
  id: string
  order_id: string
  attempt_id: string
  wallet: RefundView['wallet']
  amount_fen: number
  reason: string
  status: RefundView['status']
  provider_refund_no: string | null
  tries: number
  last_error: string | null
  created_at: number
  updated_at: number
  succeeded_at: number | null
  failed_at: number | null
}

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

export function listPendingRefunds(db: Database, limit: number): RefundRow[] {
  return prepared(db, "SELECT * FROM refunds WHERE status = 'pending' ORDER BY created_at LIMIT ?").all(
    limit,
  ) as RefundRow[]
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
         WHERE id = ? AND status = 'pending'`,
    ).run(to, now, now, providerRefundNo, id).changes === 1
  )
}

/** Counts one call to the wallet; `providerRefundNo` marks a refund the wallet has accepted (then queried, not resent). */
export function recordRefundTry(
  db: Database,
  id: string,
  error: string | null,
  now: number,
  providerRefundNo: string | null = null,
): void {
  prepared(
    db,
    `UPDATE refunds SET tries = tries + 1, last_error = ?, updated_at = ?, provider_refund_no = COALESCE(?, provider_refund_no)
     WHERE id = ? AND status = 'pending'`,
  ).run(error, now, providerRefundNo, id)
}

/** Whether a payment already has a refund under way or done (a retry must not add a second one). */
export function hasLiveRefund(db: Database, attemptId: string): boolean {
  return (
    prepared(db, "SELECT 1 FROM refunds WHERE attempt_id = ? AND status IN ('pending', 'succeeded')").get(attemptId) !==
    undefined
  )
}

/** A new refund of the same payment after a failed one: a new id, so a new out_refund_no at the wallet. */
export function insertRetryRefund(db: Database, failed: RefundRow, id: string, now: number): void {
  prepared(
    db,
    `INSERT INTO refunds (id, order_id, attempt_id, wallet, amount_fen, reason, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
  ).run(
    id,
    failed.order_id,
    failed.attempt_id,
    failed.wallet,
    failed.amount_fen,
    `${failed.reason.replace(/_retry$/, '')}_retry`,
    now,
    now,
  )
}

export type { RefundRow }

export function listRefundsForOrder(db: Database, orderId: string): RefundView[] {
  const rows = prepared(db, 'SELECT * FROM refunds WHERE order_id = ? ORDER BY created_at, id').all(
    orderId,
  ) as RefundRow[]
  return rows.map(toRefund)
}

function toRefund(row: RefundRow): RefundView {
  return {
    id: row.id,
    orderId: row.order_id,
    attemptId: row.attempt_id,
    wallet: row.wallet,
    amountFen: row.amount_fen,
    reason: row.reason,
    status: row.status,
    providerRefundNo: row.provider_refund_no,
    tries: row.tries,
    createdAt: toIso(row.created_at),
    succeededAt: toIsoOrNull(row.succeeded_at),
  }
}

export function refundView(row: RefundRow): RefundView {
  return toRefund(row)
}
