import { prepared } from '../db/prepared'
import type { Database } from 'better-sqlite3'
import type { Order, OrderLine } from '../../shared/api/types'
import type { OrderStatus, OrderViewStatus } from '../../shared/states'
import type { WalletId } from '../../shared/wallets'
import { toIso, toIsoOrNull } from '../clock'
import { currentActor } from '../staff/principal'

export interface OrderRow {
  id: string
  status: OrderStatus
  total_fen: number
  /** What merchant refunds have given back (succeeded). */
  refunded_fen: number
  description: string | null
  customer_ref: string | null
  context: 'counter' | 'online'
  paid_wallet: WalletId | null
  paid_attempt_id: string | null
  expires_at: number
  created_at: number
  updated_at: number
  awaiting_payment_at: number | null
  paid_at: number | null
  cancelled_at: number | null
  expired_at: number | null
  /** Who rang it up (a staff member, `integration`) and at which till. */
  staff_id: string | null
  till_id: string | null
}

interface LineRow {
  id: string
  order_id: string
  position: number
  product_id: string | null
  sku: string | null
  name: string
  unit_price_fen: number
  quantity: number
  amount_fen: number
}

export interface NewOrder {
  id: string
  totalFen: number
  description: string | null
  customerRef: string | null
  context: 'counter' | 'online'
  expiresAt: number
  lines: OrderLine[]
}

/** The timestamp column written by each transition into a status. */
const STATUS_COLUMN: Record<OrderStatus, string | null> = {
  open: null,
  awaiting_payment: 'awaiting_payment_at',
  paid: 'paid_at',
  cancelled: 'cancelled_at',
  expired: 'expired_at',
}

/** The row `insertOrder` writes, as a read would return it. */
export function newOrderRow(order: NewOrder, now: number): OrderRow {
  const { staffId, tillId } = currentActor()
  return {
    id: order.id,
    status: 'open',
    total_fen: order.totalFen,
    refunded_fen: 0,
    description: order.description,
    customer_ref: order.customerRef,
    context: order.context,
    paid_wallet: null,
    paid_attempt_id: null,
    expires_at: order.expiresAt,
    created_at: now,
    updated_at: now,
    awaiting_payment_at: null,
    paid_at: null,
    cancelled_at: null,
    expired_at: null,
    staff_id: staffId,
    till_id: tillId,
  }
}

export function insertOrder(db: Database, order: NewOrder, now: number): void {
  prepared(
    db,
    `INSERT INTO orders (id, status, total_fen, description, customer_ref, context, expires_at, created_at, updated_at,
       staff_id, till_id)
     VALUES (?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    order.id,
    order.totalFen,
    order.description,
    order.customerRef,
    order.context,
    order.expiresAt,
    now,
    now,
    ...Object.values(currentActor()),
  )
  const insertLine = prepared(
    db,
    `INSERT INTO order_lines (id, order_id, position, product_id, sku, name, unit_price_fen, quantity, amount_fen)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  order.lines.forEach((line, position) => {
    insertLine.run(
      line.id,
      order.id,
      position,
      line.productId,
      line.sku,
      line.name,
      line.unitPriceFen,
      line.quantity,
      line.amountFen,
    )
  })
}

export function getOrderRow(db: Database, id: string): OrderRow | null {
  return (prepared(db, 'SELECT * FROM orders WHERE id = ?').get(id) as OrderRow | undefined) ?? null
}

/** The books keep a refunded order `paid`; the status it shows depends on what was given back. */
const VIEW_STATUS_WHERE: Record<OrderViewStatus, string> = {
  open: "status = 'open'",
  awaiting_payment: "status = 'awaiting_payment'",
  paid: "status = 'paid' AND refunded_fen = 0",
  partially_refunded: "status = 'paid' AND refunded_fen > 0 AND refunded_fen < total_fen",
  refunded: "status = 'paid' AND refunded_fen = total_fen",
  cancelled: "status = 'cancelled'",
  expired: "status = 'expired'",
}

export function listOrderRows(db: Database, status: OrderViewStatus | undefined, limit: number): OrderRow[] {
  const where = status ? `WHERE ${VIEW_STATUS_WHERE[status]}` : ''
  return prepared(db, `SELECT * FROM orders ${where} ORDER BY id DESC LIMIT ?`).all(limit) as OrderRow[]
}

export function viewStatus(row: Pick<OrderRow, 'status' | 'refunded_fen' | 'total_fen'>): OrderViewStatus {
  if (row.status !== 'paid' || row.refunded_fen === 0) return row.status
  return row.refunded_fen >= row.total_fen ? 'refunded' : 'partially_refunded'
}

export function listExpiredUnfinishedOrderIds(db: Database, now: number): string[] {
  const rows = prepared(
    db,
    "SELECT id FROM orders WHERE status IN ('open', 'awaiting_payment') AND expires_at <= ? ORDER BY expires_at LIMIT 500",
  ).all(now) as { id: string }[]
  return rows.map((row) => row.id)
}

/**
 * Compare-and-set: moves the order from `from` to `to` only if it is still in `from`.
 * Returns false when another writer got there first.
 */
export function transitionOrder(
  db: Database,
  id: string,
  from: OrderStatus,
  to: OrderStatus,
  now: number,
  paid?: { wallet: WalletId; attemptId: string },
): boolean {
  const column = STATUS_COLUMN[to]
  const sets = ['status = @to', 'updated_at = @now']
  if (column) sets.push(`${column} = @now`)
  if (paid) sets.push('paid_wallet = @wallet', 'paid_attempt_id = @attemptId')
  const result = prepared(db, `UPDATE orders SET ${sets.join(', ')} WHERE id = @id AND status = @from`).run({
    id,
    from,
    to,
    now,
    wallet: paid?.wallet ?? null,
    attemptId: paid?.attemptId ?? null,
  })
  return result.changes === 1
}

/** The first line's name and the number of lines: what a payment's description needs. */
export function orderLineSummary(db: Database, orderId: string): { firstName: string | null; count: number } {
  const row = prepared(
    db,
    `SELECT (SELECT name FROM order_lines WHERE order_id = ? ORDER BY position LIMIT 1) AS first_name,
            (SELECT COUNT(*) FROM order_lines WHERE order_id = ?) AS count`,
  ).get(orderId, orderId) as { first_name: string | null; count: number }
  return { firstName: row.first_name, count: row.count }
}

export function getOrderLines(db: Database, orderId: string): OrderLine[] {
  const rows = prepared(db, 'SELECT * FROM order_lines WHERE order_id = ? ORDER BY position').all(orderId) as LineRow[]
  return rows.map((row) => ({
    id: row.id,
    productId: row.product_id,
    sku: row.sku,
    name: row.name,
    unitPriceFen: row.unit_price_fen,
    quantity: row.quantity,
    amountFen: row.amount_fen,
  }))
}

export function toOrder(row: OrderRow, lines: OrderLine[]): Order {
  return {
    id: row.id,
    status: viewStatus(row),
    totalFen: row.total_fen,
    refundedFen: row.refunded_fen,
    currency: 'CNY',
    description: row.description,
    customerRef: row.customer_ref,
    context: row.context,
    lines,
    paidWallet: row.paid_wallet,
    paidAttemptId: row.paid_attempt_id,
    staffId: row.staff_id,
    tillId: row.till_id,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    awaitingPaymentAt: toIsoOrNull(row.awaiting_payment_at),
    paidAt: toIsoOrNull(row.paid_at),
    cancelledAt: toIsoOrNull(row.cancelled_at),
    expiredAt: toIsoOrNull(row.expired_at),
    expiresAt: toIso(row.expires_at),
  }
}
