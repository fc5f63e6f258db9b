import { keptPerDatabase } from '../db/kept'
import { prepared, preparedRows, rowReader } from '../db/prepared'
import type { Database } from 'better-sqlite3'
import type { Order, OrderLine } from '../../shared/api/types'
import type { OrderStatus, OrderViewStatus } from '../../shared/states'
import type { WalletId } from '../../shared/wallets'
import type { ProviderMode } from '../../shared/wallets'
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
  /** The business day it was rung up on, and its number that day (#0042). */
  business_day: string
  day_number: number
}

/** What a view of the order adds to its row: the paying attempt's mode, whether a friend was asked to pay. */
export interface OrderViewRow extends OrderRow {
  paid_mode: ProviderMode | null
  friend_pay: 0 | 1
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
  businessDay: string
}

/** The timestamp column written by each transition into a status. */
const STATUS_COLUMN: Record<OrderStatus, 'awaiting_payment_at' | 'paid_at' | 'cancelled_at' | 'expired_at' | null> = {
  open: null,
  awaiting_payment: 'awaiting_payment_at',
  paid: 'paid_at',
  cancelled: 'cancelled_at',
  expired: 'expired_at',
}

/** Inserts the order and its lines (inside the caller's transaction); returns its row (numbered on its day). */
export function insertOrder(db: Database, order: NewOrder, now: number): OrderRow {
  const dayNumber = nextDayNumber(db, order.businessDay)
  const { staffId, tillId } = currentActor()
  prepared(
    db,
    `INSERT INTO orders (id, status, total_fen, description, customer_ref, context, expires_at, created_at, updated_at,
       staff_id, till_id, business_day, day_number)
     VALUES (?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    order.id,
    order.totalFen,
    order.description,
    order.customerRef,
    order.context,
    order.expiresAt,
    now,
    now,
    staffId,
    tillId,
    order.businessDay,
    dayNumber,
  )
  insertLines(db, order)
  keptDayNumbers.set(db, { day: order.businessDay, last: dayNumber })
  return keepOrder(db, {
    id: order.id,
    status: 'open',
    total_fen: order.totalFen,
    description: order.description,
    customer_ref: order.customerRef,
    paid_wallet: null,
    paid_attempt_id: null,
    expires_at: order.expiresAt,
    created_at: now,
    updated_at: now,
    awaiting_payment_at: null,
    paid_at: null,
    cancelled_at: null,
    expired_at: null,
    context: order.context,
    refunded_fen: 0,
    staff_id: staffId,
    till_id: tillId,
    business_day: order.businessDay,
    day_number: dayNumber,
  })
}

/** The last order number given out, for the business day orders are rung up on now (forgotten with kept orders). */
const keptDayNumbers = new WeakMap<Database, { day: string; last: number }>()

function nextDayNumber(db: Database, day: string): number {
  const kept = keptDayNumbers.get(db)
  if (kept?.day === day) return kept.last + 1
  const row = prepared(db, 'SELECT MAX(day_number) AS last FROM orders WHERE business_day = ?').get(day) as {
    last: number | null
  }
  return (row.last ?? 0) + 1
}

function insertLines(db: Database, order: NewOrder): void {
  const { lines } = order
  if (!lines.length) return
  const params: unknown[] = []
  lines.forEach((line, position) => {
    params.push(line.id, order.id, position, line.productId, line.sku, line.name)
    params.push(line.unitPriceFen, line.quantity, line.amountFen)
  })
  preparedRows(
    db,
    'INSERT INTO order_lines (id, order_id, position, product_id, sku, name, unit_price_fen, quantity, amount_fen)',
    9,
    lines.length,
  ).run(params)
}

/**
 * Orders as last read or written, by id: a checkout reads its order about six times (the cashier's options, the
 * chosen payment, each unit of work, the journal's postings). Every write of an order goes through this file
 * (`insertOrder` and `transitionOrder` keep the row as they wrote it) or forgets it (`forgetOrder`); all are
 * forgotten whenever a write is undone (`forgetOrders`). Rows are shared: nobody may change one.
 */
/** The orders at the tills right now, with room to spare. */
const ORDERS_KEPT = 512
const keptOrders = keptPerDatabase<OrderRow>(ORDERS_KEPT)

function keepOrder(db: Database, row: OrderRow): OrderRow {
  return keptOrders.keep(db, row.id, row)
}

/** After a write of an order outside this file. */
export function forgetOrder(db: Database, id: string): void {
  keptOrders.forget(db, id)
}

/** After a write was undone: a kept order (its number, its lines) may hold what never happened. */
export function forgetOrders(db: Database): void {
  keptOrders.forgetAll(db)
  keptDayNumbers.delete(db)
  keptLines.forgetAll(db)
}

export function getOrderRow(db: Database, id: string): OrderRow | null {
  const kept = keptOrders.get(db, id)
  if (kept) return kept
  const row = rowReader(db, 'SELECT * FROM orders WHERE id = ?')(id) as OrderRow | undefined
  return row ? keepOrder(db, row) : null
}

const VIEW_COLUMNS = `o.*,
  (SELECT mode FROM payment_attempts WHERE id = o.paid_attempt_id) AS paid_mode,
  EXISTS (SELECT 1 FROM friend_pay_requests WHERE order_id = o.id) AS friend_pay`

export function getOrderViewRow(db: Database, id: string): OrderViewRow | null {
  return (
    (prepared(db, `SELECT ${VIEW_COLUMNS} FROM orders o WHERE o.id = ?`).get(id) as OrderViewRow | undefined) ?? null
  )
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

export interface OrderFilter {
  status?: OrderViewStatus
  day?: string
  from?: number
  to?: number
  q?: string
}

/** The WHERE clause and its parameters for a filter (a view status, a business day, a time range, a search). */
function filterClause(filter: OrderFilter): { where: string; params: Record<string, unknown> } {
  const { status, q, ...params } = filter
  const terms: string[] = []
  if (status) terms.push(VIEW_STATUS_WHERE[status])
  if (params.day !== undefined) terms.push('business_day = @day')
  if (params.from !== undefined) terms.push('created_at >= @from')
  if (params.to !== undefined) terms.push('created_at < @to')
  const search = q ? searchClause(q) : null
  if (search) terms.push(search.where)
  const where = terms.length ? `WHERE ${terms.map((term) => `(${term})`).join(' AND ')}` : ''
  return { where, params: { ...params, ...search?.params } }
}

/**
 * `#42` or `42` is the day's number (or a customer reference); other text matches the id (its tail, as shown), a
 * line's name or the customer reference.
 */
function searchClause(q: string): { where: string; params: Record<string, unknown> } {
  const like = `%${q.replace(/^#/, '').replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  const number = /^#?0*(\d{1,6})$/.exec(q)
  if (number) {
    return {
      where: "day_number = @number OR customer_ref LIKE @like ESCAPE '\\'",
      params: { number: Number(number[1]), like },
    }
  }
  const where = `id LIKE @like ESCAPE '\\' OR customer_ref LIKE @like ESCAPE '\\'
    OR EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.name LIKE @like ESCAPE '\\')`
  return { where, params: { like } }
}

export function listOrderRows(db: Database, filter: OrderFilter, limit: number): OrderViewRow[] {
  const { where, params } = filterClause(filter)
  return prepared(db, `SELECT ${VIEW_COLUMNS} FROM orders o ${where} ORDER BY id DESC LIMIT @limit`).all({
    ...params,
    limit,
  }) as OrderViewRow[]
}

export interface OrderTotals {
  count: number
  paidCount: number
  paidFen: number
  refundedFen: number
  netFen: number
}

/** What every order the filter matches adds up to (not only the page shown). */
export function orderTotals(db: Database, filter: OrderFilter): OrderTotals {
  const { where, params } = filterClause(filter)
  const row = prepared(
    db,
    `SELECT COUNT(*) AS count,
            COALESCE(SUM(status = 'paid'), 0) AS paid_count,
            COALESCE(SUM(CASE WHEN status = 'paid' THEN total_fen ELSE 0 END), 0) AS paid_fen,
            COALESCE(SUM(refunded_fen), 0) AS refunded_fen
     FROM orders o ${where}`,
  ).get(params) as { count: number; paid_count: number; paid_fen: number; refunded_fen: number }
  return {
    count: row.count,
    paidCount: row.paid_count,
    paidFen: row.paid_fen,
    refundedFen: row.refunded_fen,
    netFen: row.paid_fen - row.refunded_fen,
  }
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

const transitionSqls = new Map<string, string>()

/** The UPDATE of a transition into `to` (recording who paid, for `paid`), made once per kind of transition. */
function transitionSql(to: OrderStatus, paid: boolean): string {
  const key = paid ? `${to}:paid` : to
  let sql = transitionSqls.get(key)
  if (sql === undefined) {
    const column = STATUS_COLUMN[to]
    const sets = ['status = ?', 'updated_at = ?']
    if (column) sets.push(`${column} = ?`)
    if (paid) sets.push('paid_wallet = ?', 'paid_attempt_id = ?')
    sql = `UPDATE orders SET ${sets.join(', ')} WHERE id = ? AND status = ?`
    transitionSqls.set(key, sql)
  }
  return sql
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
  const params: unknown[] = [to, now]
  if (column) params.push(now)
  if (paid) params.push(paid.wallet, paid.attemptId)
  params.push(id, from)
  if (prepared(db, transitionSql(to, paid !== undefined)).run(params).changes === 0) return false
  // The kept row, if any, as the UPDATE left it (RETURNING * cost a third of the statement).
  const kept = keptOrders.get(db, id)
  if (kept) {
    const written = { ...kept }
    written.status = to
    written.updated_at = now
    if (column) written[column] = now
    if (paid) {
      written.paid_wallet = paid.wallet
      written.paid_attempt_id = paid.attemptId
    }
    keepOrder(db, written)
  }
  return true
}

/**
 * What an order's lines tell the rest of the engine: the first line's name and their number (a payment's
 * description), and each line's SKU and product category (routing).
 */
export interface LinesInBrief {
  firstName: string | null
  count: number
  facts: { sku: string | null; category: string | null }[]
}

/**
 * The lines in brief of the orders at the tills: an order is described and routed several times, and neither its
 * lines nor the products they name ever change once it exists. Kept when the order is made (`keepLinesInBrief`).
 */
const keptLines = keptPerDatabase<LinesInBrief>(ORDERS_KEPT)

export function keepLinesInBrief(db: Database, orderId: string, lines: LinesInBrief): LinesInBrief {
  return keptLines.keep(db, orderId, lines)
}

export function linesInBrief(db: Database, orderId: string): LinesInBrief {
  const kept = keptLines.get(db, orderId)
  if (kept) return kept
  const facts = prepared(
    db,
    `SELECT l.sku AS sku, p.category AS category, l.name AS name FROM order_lines l
       LEFT JOIN products p ON p.id = l.product_id
     WHERE l.order_id = ? ORDER BY l.position`,
  ).all(orderId) as { sku: string | null; category: string | null; name: string }[]
  return keepLinesInBrief(db, orderId, {
    firstName: facts[0]?.name ?? null,
    count: facts.length,
    facts: facts.map((line) => ({ sku: line.sku, category: line.category })),
  })
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

/** The order as the API shows it; a row read without its view (a new order's) has no paying mode nor friend. */
export function toOrder(row: OrderRow & Partial<OrderViewRow>, lines: OrderLine[]): Order {
  return {
    id: row.id,
    dayNumber: row.day_number,
    businessDay: row.business_day,
    mode: row.paid_mode ?? null,
    friendPay: row.friend_pay === 1,
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
