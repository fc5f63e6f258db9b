import type { Product } from '../../../shared/api/types'
import { MAX_AMOUNT_FEN, parseYuanToFen } from '../../../shared/money'

/** A price a cashier keys (25, 12.5, 120.00); longer digit runs are barcodes or payment codes, never amounts. */
const AMOUNT_LIKE = /^\d{1,6}(\.\d{1,2})?$/

/**
 * What typing `query` in the search box could charge as an amount-only sale, in fen: the typed text read as
 * yuan, when it looks like a price and names no product (by name, SKU or a whole barcode; digits that happen
 * to sit inside a barcode do not count).
 */
export function amountOfferFen(query: string, products: readonly Product[]): number | null {
  const typed = query.trim()
  if (!AMOUNT_LIKE.test(typed)) return null
  const named = products.some(
    (p) => p.barcode === typed || p.sku.toLowerCase().includes(typed) || p.name.toLowerCase().includes(typed),
  )
  if (named) return null
  const fen = parseYuanToFen(typed)
  return fen !== null && fen >= 1 && fen <= MAX_AMOUNT_FEN ? fen : null
}
