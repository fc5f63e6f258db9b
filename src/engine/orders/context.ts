import type { Database } from 'better-sqlite3'
import type { Order } from '../../shared/api/types'
import { EngineError } from '../../shared/errors'
import type { Clock } from '../clock'
import type { EventLog } from '../events/log'
import type { IdPrefix } from '../ids'
import type { Logger } from '../logger'
import type { PaymentService } from '../payments/service'
import { getOrderLines, getOrderRow, getOrderViewRow, toOrder, type OrderRow } from './queries'

export interface OrderServiceDeps {
  db: Database
  clock: Clock
  events: EventLog
  payments: PaymentService
  newId: (prefix: IdPrefix) => string
  /** How long an unpaid order stays payable. */
  orderTtlMs: number
  /** Where background failures (an order that could not expire yet) are reported. */
  log: Logger
}

/** What the order steps work with: the dependencies (orders keep no state of their own). */
export type OrderContext = OrderServiceDeps

export function requireRow(ctx: OrderContext, id: string): OrderRow {
  const row = getOrderRow(ctx.db, id)
  if (!row) throw new EngineError('ORDER_NOT_FOUND', `no order ${id}`)
  return row
}

/** The order with its lines. */
export function load(ctx: OrderContext, id: string): Order {
  const row = getOrderViewRow(ctx.db, id)
  if (!row) throw new EngineError('ORDER_NOT_FOUND', `no order ${id}`)
  return toOrder(row, getOrderLines(ctx.db, id))
}
