import type { OperationInput } from '../../../shared/api/operations'
import { multiplyFen } from '../../../shared/money'

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
 * The `orders.create` input for a cart: catalog lines by SKU, keyed amounts as open-price lines
 * named `keyedName`; a single keyed amount alone is a plain-amount order.
 */
export function buildOrderRequest(
  lines: readonly CartLine[],
  keyed: readonly KeyedAmount[],
  keyedName: string,
): CreateOrderRequest | null {
  if (lines.length === 0 && keyed.length === 0) return null
  if (lines.length === 0 && keyed.length === 1) return { amountFen: keyed[0]!.amountFen }
  cartTotalFen(lines, keyed)
  return {
    lines: [
      ...lines.map((line) => ({ sku: line.sku, quantity: line.quantity })),
      ...keyed.map((entry) => ({ name: keyedName, unitPriceFen: entry.amountFen, quantity: 1 })),
    ],
  }
}
