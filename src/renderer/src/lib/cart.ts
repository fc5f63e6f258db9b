import type { OperationInput } from '../../../shared/api/operations'
import { formatFen, multiplyFen } from '../../../shared/money'

export interface CartLine {
  sku: string
  name: string
  unitPriceFen: number
  quantity: number
}

/** An amount keyed on the pad, for goods without a barcode. */
export interface KeyedAmount {
  id: number
  amountFen: number
}

export type CreateOrderRequest = OperationInput<'orders.create'>

export const MAX_LINE_QUANTITY = 9999
const MAX_DESCRIPTION_LENGTH = 120

export function lineAmountFen(line: CartLine): number {
  return multiplyFen(line.unitPriceFen, line.quantity)
}

export function cartTotalFen(lines: readonly CartLine[], keyed: readonly KeyedAmount[]): number {
  let total = 0
  for (const line of lines) total += lineAmountFen(line)
  for (const entry of keyed) total += entry.amountFen
  if (!Number.isSafeInteger(total)) throw new RangeError('amount overflow')
  return total
}

/**
 * The `orders.create` input for a cart. The contract takes either catalog lines or one plain
 * amount: a cart mixing both is charged as its total, described by its contents.
 */
export function buildOrderRequest(lines: readonly CartLine[], keyed: readonly KeyedAmount[]): CreateOrderRequest | null {
  if (lines.length === 0 && keyed.length === 0) return null
  if (keyed.length === 0) {
    return { lines: lines.map((line) => ({ sku: line.sku, quantity: line.quantity })) }
  }
  const amountFen = cartTotalFen(lines, keyed)
  if (lines.length === 0) return { amountFen }
  const parts = lines.map((line) => `${line.name}×${line.quantity}`)
  parts.push(...keyed.map((entry) => formatFen(entry.amountFen)))
  return { amountFen, description: truncate(parts.join(' + '), MAX_DESCRIPTION_LENGTH) }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}
