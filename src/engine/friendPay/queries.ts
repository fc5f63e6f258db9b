import { prepared } from '../db/prepared'
import { forgetOrder } from '../orders/queries'
import type { Database } from 'better-sqlite3'
import { present } from '../../shared/assert'

export type FriendPayMode = 'open' | 'name-initial' | 'designated'
export type FriendPayStatus = 'open' | 'paid' | 'expired' | 'cancelled'

export interface FriendPayRow {
  id: string
  order_id: string
  secret: string
  pay_code: string
  requester_name: string
  mode: FriendPayMode
  payer_phone: string | null
  message: string | null
  amount_fen: number
  status: FriendPayStatus
  failed_tries: number
  locked_at: number | null
  cancel_reason: string | null
  paid_attempt_id: string | null
  expires_at: number
  created_at: number
  updated_at: number
  paid_at: number | null
  expired_at: number | null
  cancelled_at: number | null
}

export function insertFriendPay(
  db: Database,
  row: Pick<
    FriendPayRow,
    | 'id'
    | 'order_id'
    | 'secret'
    | 'pay_code'
    | 'requester_name'
    | 'mode'
    | 'payer_phone'
    | 'message'
    | 'amount_fen'
    | 'expires_at'
  >,
  now: number,
): void {
  prepared(
    db,
    `INSERT INTO friend_pay_requests (id, order_id, secret, pay_code, requester_name, mode, payer_phone, message, amount_fen,
       status, expires_at, created_at, updated_at)
     VALUES (@id, @order_id, @secret, @pay_code, @requester_name, @mode, @payer_phone, @message, @amount_fen, 'open',
       @expires_at, @now, @now)`,
  ).run({ ...row, now })
}

export function getFriendPay(db: Database, id: string): FriendPayRow | null {
  return (prepared(db, 'SELECT * FROM friend_pay_requests WHERE id = ?').get(id) as FriendPayRow | undefined) ?? null
}

export function getFriendPayByCode(db: Database, payCode: string): FriendPayRow | null {
  return (
    (prepared(db, 'SELECT * FROM friend_pay_requests WHERE pay_code = ?').get(payCode) as FriendPayRow | undefined) ??
    null
  )
}

export function listFriendPay(
  db: Database,
  filter: { status?: FriendPayStatus; orderId?: string },
  limit: number,
): FriendPayRow[] {
  const where: string[] = []
  if (filter.status) where.push('status = @status')
  if (filter.orderId) where.push('order_id = @orderId')
  return prepared(
    db,
    `SELECT * FROM friend_pay_requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`,
  ).all({ ...filter, limit }) as FriendPayRow[]
}

export function listOpenFriendPayForOrder(db: Database, orderId: string): FriendPayRow[] {
  return prepared(db, "SELECT * FROM friend_pay_requests WHERE order_id = ? AND status = 'open'").all(
    orderId,
  ) as FriendPayRow[]
}

export function listDueFriendPay(db: Database, now: number): FriendPayRow[] {
  return prepared(
    db,
    "SELECT * FROM friend_pay_requests WHERE status = 'open' AND expires_at <= ? ORDER BY expires_at LIMIT 500",
  ).all(now) as FriendPayRow[]
}

const STATUS_COLUMN: Record<Exclude<FriendPayStatus, 'open'>, string> = {
  paid: 'paid_at',
  expired: 'expired_at',
  cancelled: 'cancelled_at',
}

/** Compare-and-set from open to a final status, with its timestamp. */
export function finishFriendPay(
  db: Database,
  id: string,
  to: Exclude<FriendPayStatus, 'open'>,
  now: number,
  extra: { cancelReason?: string; paidAttemptId?: string } = {},
): boolean {
  return (
    prepared(
      db,
      `UPDATE friend_pay_requests SET status = @to, ${STATUS_COLUMN[to]} = @now, updated_at = @now,
           cancel_reason = COALESCE(@cancelReason, cancel_reason), paid_attempt_id = COALESCE(@paidAttemptId, paid_attempt_id)
         WHERE id = @id AND status = 'open'`,
    ).run({ id, to, now, cancelReason: extra.cancelReason ?? null, paidAttemptId: extra.paidAttemptId ?? null })
      .changes === 1
  )
}

/** Counts a wrong verification answer; locks the request at `lockAfter`. Returns the tries so far and whether it locked now. */
export function recordWrongAnswer(
  db: Database,
  id: string,
  lockAfter: number,
  now: number,
): { tries: number; lockedNow: boolean } {
  prepared(
    db,
    `UPDATE friend_pay_requests SET failed_tries = failed_tries + 1, updated_at = ?,
       locked_at = CASE WHEN failed_tries + 1 >= ? AND locked_at IS NULL THEN ? ELSE locked_at END
     WHERE id = ? AND status = 'open' AND locked_at IS NULL`,
  ).run(now, lockAfter, now, id)
  const row = present(getFriendPay(db, id), `friend-pay request ${id}`)
  return { tries: row.failed_tries, lockedNow: row.locked_at === now && row.failed_tries >= lockAfter }
}

export function extendOrderDeadline(db: Database, orderId: string, until: number, now: number): void {
  prepared(
    db,
    "UPDATE orders SET expires_at = MAX(expires_at, ?), updated_at = ? WHERE id = ? AND status IN ('open', 'awaiting_payment')",
  ).run(until, now, orderId)
  forgetOrder(db, orderId)
}

/**
 * After a request ends, the order keeps only the deadline it would have had without it: its own
 * (created + order TTL) or that of another request still open, whichever is later.
 */
export function restoreOrderDeadline(db: Database, orderId: string, orderTtlMs: number, now: number): void {
  prepared(
    db,
    `UPDATE orders SET updated_at = @now, expires_at = MAX(created_at + @ttl, COALESCE(
       (SELECT MAX(expires_at) FROM friend_pay_requests WHERE order_id = @orderId AND status = 'open'), 0))
     WHERE id = @orderId AND status IN ('open', 'awaiting_payment')`,
  ).run({ orderId, ttl: orderTtlMs, now })
  forgetOrder(db, orderId)
}
