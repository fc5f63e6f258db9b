import type { OperationOutput } from '../../../shared/api/operations'
import type { Order } from '../../../shared/api/types'

/** What the orders the list's filter matches come to (all of them, not only the page). */
export type OrderTotals = OperationOutput<'orders.list'>['totals']

const HOUR_MS = 3600_000
const DAY_MS = 24 * HOUR_MS
/** China keeps UTC+8 all year. */
const BEIJING_OFFSET_MS = 8 * HOUR_MS
/** Where the engine starts a business day unless the merchant moved it. */
export const DEFAULT_DAY_START_HOUR = 4

/** The business day (YYYY-MM-DD) an instant falls in, the day starting at `startHour` Beijing time. */
export function businessDayOf(at: number, startHour = DEFAULT_DAY_START_HOUR): string {
  return new Date(at + BEIJING_OFFSET_MS - startHour * HOUR_MS).toISOString().slice(0, 10)
}

/** The day `step` days after (or before) a YYYY-MM-DD day. */
export function shiftDay(day: string, step: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + step * DAY_MS).toISOString().slice(0, 10)
}

/** The later of two YYYY-MM-DD days. */
export function laterDay(a: string, b: string | null | undefined): string {
  return b && b > a ? b : a
}

/** The short number a cashier says aloud: 42 → #0042. */
export function formatDayNumber(dayNumber: number): string {
  return `#${String(dayNumber).padStart(4, '0')}`
}

/** An order id short enough for a list, its tail kept (the search finds an order by it): ord_…QAZ69N. */
export function shortOrderId(id: string): string {
  const underscore = id.indexOf('_')
  const prefix = underscore >= 0 ? id.slice(0, underscore + 1) : ''
  const body = id.slice(prefix.length)
  return body.length <= 8 ? id : `${prefix}…${body.slice(-6)}`
}

/** The mode to mark loudly: any payment that moved no real money. */
export function testModeOf(order: Pick<Order, 'mode'>): 'simulator' | 'sandbox' | null {
  return order.mode === 'simulator' || order.mode === 'sandbox' ? order.mode : null
}

/** Whether some or all of an order's money went back. */
export function refundStateOf(order: Pick<Order, 'refundedFen' | 'totalFen'>): 'partial' | 'full' | null {
  if (order.refundedFen <= 0) return null
  return order.refundedFen >= order.totalFen ? 'full' : 'partial'
}

export const EMPTY_TOTALS: OrderTotals = { count: 0, paidCount: 0, paidFen: 0, refundedFen: 0, netFen: 0 }
