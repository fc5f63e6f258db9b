import type { Database } from 'better-sqlite3'
import type { Order, OrderDetail, OrderLine } from '../../shared/api/types'
import type { OperationParsedInput } from '../../shared/api/operations'
import { EngineError } from '../../shared/errors'
import { MAX_AMOUNT_FEN, multiplyFen } from '../../shared/money'
import type { OrderStatus } from '../../shared/states'
import { findProductsBySku } from '../catalog/products'
import type { Clock } from '../clock'
import type { EventLog } from '../events/log'
import type { IdPrefix } from '../ids'
import type { PaymentService } from '../payments/service'
import { countUnfinishedAttemptsForOrder } from '../payments/queries'
import { listRefundsForOrder } from '../payments/refundQueries'
import { finishFriendPay, listOpenFriendPayForOrder } from '../friendPay/queries'
import {
  getOrderLines,
  getOrderRow,
  insertOrder,
  listExpiredUnfinishedOrderIds,
  listOrderRows,
  newOrderRow,
  toOrder,
  transitionOrder,
  type NewOrder,
  type OrderRow,
} from './queries'

export interface OrderServiceDeps {
  db: Database
  clock: Clock
  events: EventLog
  payments: PaymentService
  newId: (prefix: IdPrefix) => string
  /** How long an unpaid order stays payable. */
  orderTtlMs: number
}

export type OrderService = ReturnType<typeof createOrderService>

export function createOrderService(deps: OrderServiceDeps) {
  const { db, clock, events, payments } = deps

  function requireRow(id: string): OrderRow {
    const row = getOrderRow(db, id)
    if (!row) throw new EngineError('ORDER_NOT_FOUND', `no order ${id}`)
    return row
  }

  function load(id: string): Order {
    return toOrder(requireRow(id), getOrderLines(db, id))
  }

  function buildLines(input: OperationParsedInput<'orders.create'>): OrderLine[] {
    if (!('lines' in input)) return []
    const skus = input.lines.flatMap((line) => ('sku' in line ? [line.sku] : []))
    const products = findProductsBySku(db, skus)
    const missing = skus.filter((sku) => !products.has(sku))
    if (missing.length) {
      throw new EngineError('PRODUCT_NOT_FOUND', `unknown SKU: ${missing.slice(0, 5).join(', ')}`, { skus: missing })
    }
    return input.lines.map((line): OrderLine => {
      if (!('sku' in line)) {
        return {
          id: deps.newId('lin'),
          productId: null,
          sku: null,
          name: line.name,
          unitPriceFen: line.unitPriceFen,
          quantity: line.quantity,
          amountFen: multiplyFen(line.unitPriceFen, line.quantity),
        }
      }
      const product = products.get(line.sku)!
      return {
        id: deps.newId('lin'),
        productId: product.id,
        sku: product.sku,
        name: product.name,
        unitPriceFen: product.priceFen,
        quantity: line.quantity,
        amountFen: multiplyFen(product.priceFen, line.quantity),
      }
    })
  }

  function create(input: OperationParsedInput<'orders.create'>): Order {
    const lines = buildLines(input)
    const totalFen = 'amountFen' in input ? input.amountFen : lines.reduce((sum, l) => sum + l.amountFen, 0)
    if (!Number.isSafeInteger(totalFen) || totalFen < 1 || totalFen > MAX_AMOUNT_FEN) {
      throw new EngineError('AMOUNT_OUT_OF_RANGE', `order total must be between 1 and ${MAX_AMOUNT_FEN} fen`, {
        totalFen,
      })
    }
    const now = clock.now()
    const order: NewOrder = {
      id: deps.newId('ord'),
      totalFen,
      description: input.description ?? null,
      customerRef: input.customerRef ?? null,
      context: input.context,
      expiresAt: now + deps.orderTtlMs,
      lines,
    }
    events.unitOfWork(() => {
      insertOrder(db, order, now)
      events.append({ type: 'order.created', orderId: order.id, data: { totalFen, lines: lines.length } })
    })
    return toOrder(newOrderRow(order, now), lines)
  }

  function get(id: string): OrderDetail {
    const order = load(id)
    return {
      ...order,
      attempts: payments.listForOrder(id),
      refunds: listRefundsForOrder(db, id),
      timeline: events.forOrder(id),
    }
  }

  function list(input: OperationParsedInput<'orders.list'>): Order[] {
    return listOrderRows(db, input.status, input.limit).map((row) => toOrder(row, getOrderLines(db, row.id)))
  }

  /** Ends an unpaid order: its open payments are closed at the wallets first, so none can land later. */
  async function finish(id: string, to: 'cancelled' | 'expired'): Promise<Order> {
    const before = requireRow(id)
    if (before.status === to) return load(id)
    assertUnpaid(before, to)
    await payments.closeAllForOrder(id, to === 'cancelled' ? 'order_cancelled' : 'order_expired')
    events.unitOfWork(() => {
      const row = requireRow(id)
      if (row.status === to) return
      assertUnpaid(row, to)
      if (countUnfinishedAttemptsForOrder(db, id) > 0) {
        throw new EngineError('CONCURRENT_UPDATE', 'a payment is still being closed, try again')
      }
      if (!transitionOrder(db, id, row.status, to, clock.now())) {
        throw new EngineError('CONCURRENT_UPDATE', 'the order changed meanwhile, try again')
      }
      events.append({ type: to === 'cancelled' ? 'order.cancelled' : 'order.expired', orderId: id })
      // Its friend-pay requests end with it (their payments were closed with the order's).
      const reason = to === 'cancelled' ? 'order_cancelled' : 'order_expired'
      for (const request of listOpenFriendPayForOrder(db, id)) {
        if (finishFriendPay(db, request.id, 'cancelled', clock.now(), { cancelReason: reason })) {
          events.append({ type: 'friend_pay.cancelled', orderId: id, data: { friendPayId: request.id, reason } })
        }
      }
    })
    return load(id)
  }

  /** Expires every unpaid order past its deadline. */
  async function expireDue(): Promise<void> {
    for (const id of listExpiredUnfinishedOrderIds(db, clock.now())) {
      try {
        await finish(id, 'expired')
      } catch {
        // Paid meanwhile, or a wallet did not answer: the next sweep looks again.
      }
    }
  }

  return { create, get, list, cancel: (id: string) => finish(id, 'cancelled'), expireDue }
}

function assertUnpaid(row: OrderRow, to: OrderStatus): void {
  if (row.status !== 'open' && row.status !== 'awaiting_payment') {
    throw new EngineError('INVALID_STATE', `order ${row.id} is ${row.status} and cannot become ${to}`)
  }
}
