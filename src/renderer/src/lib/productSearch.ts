import type { Product } from '../../../shared/api/types'

/** The category tab that shows every product. */
export const ALL_CATEGORIES = ''

export function productCategories(products: readonly Product[]): string[] {
  const seen = new Set<string>()
  for (const product of products) seen.add(product.category)
  return [...seen]
}

/**
 * Products matching a typed query by name, SKU or barcode, within a category. Exact barcode or
 * SKU matches come first so that Enter adds the product a cashier typed or scanned.
 */
export function filterProducts(products: readonly Product[], query: string, category: string): Product[] {
  const needle = query.trim().toLowerCase()
  const inCategory = category === ALL_CATEGORIES ? products : products.filter((p) => p.category === category)
  if (!needle) return [...inCategory]
  const isExact = (p: Product): boolean => p.sku.toLowerCase() === needle || p.barcode === needle
  const exact = products.filter(isExact)
  const partial = inCategory.filter(
    (p) =>
      !isExact(p) &&
      (p.name.toLowerCase().includes(needle) ||
        p.sku.toLowerCase().includes(needle) ||
        (p.barcode ?? '').includes(needle)),
  )
  return [...exact, ...partial]
}

export function findByBarcode(products: readonly Product[], code: string): Product | undefined {
  return products.find((product) => product.barcode !== null && product.barcode === code)
}
