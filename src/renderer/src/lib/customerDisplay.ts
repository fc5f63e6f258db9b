import type { EngineEvent } from '../../../shared/api/types'
import type { DisplayState } from '../../../shared/display'
import { eventWallet } from './engineEvents'

export type DisplayLine = DisplayState['lines'][number]
export type DisplayCode = DisplayState['codes'][number]

/** How long 支付成功 stays on the display before it greets the next customer. */
export const PAID_HOLD_MS = 6000

/**
 * The state a display moves to when the till publishes `next`: a payment stays on screen for its moment even if
 * the till has already moved on to idle; anything else (a new customer's cart) replaces it at once.
 */
export function nextDisplayState(
  current: DisplayState,
  next: DisplayState,
  paidSince: number | null,
  now: number,
): DisplayState {
  const holding = current.phase === 'paid' && paidSince !== null && now - paidSince < PAID_HOLD_MS
  return holding && next.phase === 'idle' ? current : next
}

/**
 * The display hears of a payment straight from the engine (the order paid, a payment succeeded for the order it
 * shows) without waiting for the till to publish it. Null when the event is not that, or does not name the wallet.
 */
export function paidFromEvent(current: DisplayState, event: EngineEvent): DisplayState | null {
  if (current.orderId === null || event.orderId !== current.orderId || current.phase === 'paid') return null
  if (event.type !== 'order.paid' && event.type !== 'payment.succeeded') return null
  const wallet = eventWallet(event)
  if (!wallet) return null
  const data = event.data as { amountFen?: unknown }
  const amountFen = typeof data.amountFen === 'number' ? data.amountFen : current.totalFen
  return { ...current, phase: 'paid', codes: [], friendPay: null, paid: { wallet, amountFen, at: event.at } }
}

/** Items on the display: the quantities added up. */
export function itemCount(lines: readonly DisplayLine[]): number {
  return lines.reduce((sum, line) => sum + line.quantity, 0)
}

/** "#0042" for the order's number of the day. */
export function displayOrderNumber(state: Pick<DisplayState, 'orderNumber'>): string | null {
  return state.orderNumber !== null ? `#${String(state.orderNumber).padStart(4, '0')}` : null
}
