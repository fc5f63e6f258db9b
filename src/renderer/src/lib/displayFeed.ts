import type { FriendPayRequest, Order, PaymentOption } from '../../../shared/api/types'
import type { ProviderMode, WalletId } from '../../../shared/wallets'
import { IDLE_DISPLAY, type DisplayPhase, type DisplayState } from '../../../shared/display'
import type { DisplayCode, DisplayLine } from './customerDisplay'

/** The contract's limits: a display never gets more than this. */
const MAX_DISPLAY_LINES = 200
const MAX_DISPLAY_CODES = 8

/** What the till is doing, read from its stores: the cart being built, the order being paid. */
export interface FeedInput {
  cartLines: readonly { name: string; quantity: number; unitPriceFen: number }[]
  keyedAmounts: readonly { amountFen: number }[]
  cartTotalFen: number
  order: Order | null
  panels: readonly {
    wallet: WalletId | null
    qrContent: string
    status: string
    installments: number | null
  }[]
  options: readonly Pick<PaymentOption, 'wallet' | 'mode' | 'available'>[]
  friendRequest: Pick<FriendPayRequest, 'url' | 'payCode' | 'status' | 'locked'> | null
  /** Names a keyed amount (the till's language). */
  keyedName: string
  /** Names a QR code: its wallet, with the Huabei plan. */
  codeLabel: (wallet: WalletId | null, installments: number | null) => string
}

function cartLines(input: FeedInput): DisplayLine[] {
  const products = input.cartLines.map((line) => ({
    name: line.name,
    quantity: line.quantity,
    amountFen: line.unitPriceFen * line.quantity,
  }))
  const keyed = input.keyedAmounts.map((entry) => ({ name: input.keyedName, quantity: 1, amountFen: entry.amountFen }))
  return [...products, ...keyed]
}

function orderLines(order: Order, keyedName: string): DisplayLine[] {
  if (order.lines.length === 0)
    return [{ name: order.description ?? keyedName, quantity: 1, amountFen: order.totalFen }]
  return order.lines.map(({ name, quantity, amountFen }) => ({ name, quantity, amountFen }))
}

/** The mode a code pays in: its wallet's; the all-wallets code is as real as the least real wallet behind it. */
function codeMode(wallet: WalletId | null, options: FeedInput['options']): ProviderMode {
  if (wallet !== null) return options.find((o) => o.wallet === wallet)?.mode ?? 'simulator'
  const modes = options.filter((o) => o.available).map((o) => o.mode)
  return modes.includes('simulator') ? 'simulator' : modes.includes('sandbox') ? 'sandbox' : 'production'
}

function liveCodes(input: FeedInput): DisplayCode[] {
  return input.panels
    .filter((panel) => panel.status === 'pending' || panel.status === 'created')
    .map((panel) => ({
      wallet: panel.wallet,
      label: input.codeLabel(panel.wallet, panel.installments),
      content: panel.qrContent,
      mode: codeMode(panel.wallet, input.options),
    }))
}

function orderPhase(order: Order, paying: boolean): DisplayPhase {
  if (order.status === 'paid') return 'paid'
  if (order.status === 'cancelled' || order.status === 'expired') return 'cancelled'
  return paying ? 'paying' : 'choosing'
}

function orderState(order: NonNullable<FeedInput['order']>, input: FeedInput): DisplayState {
  const codes = order.status === 'paid' ? [] : liveCodes(input)
  const request = input.friendRequest
  const friendPay =
    request && request.status === 'open' && !request.locked ? { url: request.url, code: request.payCode } : null
  const phase = orderPhase(order, codes.length > 0 || friendPay !== null)
  return {
    phase,
    orderId: order.id,
    orderNumber: order.dayNumber > 0 ? order.dayNumber : null,
    lines: orderLines(order, input.keyedName).slice(0, MAX_DISPLAY_LINES),
    totalFen: order.totalFen,
    codes: phase === 'paying' ? codes.slice(0, MAX_DISPLAY_CODES) : [],
    friendPay: phase === 'paying' ? friendPay : null,
    paid:
      phase === 'paid' && order.paidWallet
        ? { wallet: order.paidWallet, amountFen: order.totalFen, at: order.paidAt ?? order.updatedAt }
        : null,
  }
}

/** What the customer should see now: the order being paid, else the cart being built, else the welcome. */
export function displayStateOf(input: FeedInput): DisplayState {
  if (input.order) return orderState(input.order, input)
  const lines = cartLines(input)
  if (lines.length === 0) return IDLE_DISPLAY
  return { ...IDLE_DISPLAY, phase: 'cart', lines: lines.slice(0, MAX_DISPLAY_LINES), totalFen: input.cartTotalFen }
}
