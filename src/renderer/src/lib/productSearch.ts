import type { Product } from '../../../shared/api/types'
import { matchesSpelling, spellName, type SpelledChar } from './pinyinMatch'

/** The category tab that shows every product. */
export const ALL_CATEGORIES = ''

export function productCategories(products: readonly Product[]): string[] {
  const seen = new Set<string>()
  for (const product of products) seen.add(product.category)
  return [...seen]
}

/**
 * Products matching a typed query by name (Chinese characters, pinyin, initials or a mix), SKU or
 * barcode, within a category. Exact barcode or SKU matches come first so that Enter adds the
 * product a cashier typed or scanned; then plain text matches; then pinyin-only matches.
 */
export function filterProducts(products: readonly Product[], query: string, category: string): Product[] {
  const needle = query.trim().toLowerCase()
  const inCategory = category === ALL_CATEGORIES ? products : products.filter((p) => p.category === category)
  if (!needle) return [...inCategory]
  const isExact = (p: Product): boolean => p.sku.toLowerCase() === needle || p.barcode === needle
  const exact = products.filter(isExact)
  const rest = inCategory.filter((p) => !isExact(p))
  const byText = rest.filter((p) => matchesText(p, needle))
  const bySpelling = rest.filter((p) => !matchesText(p, needle) && matchesSpelling(spelledName(p), needle))
  return [...exact, ...byText, ...bySpelling]
}

function matchesText(p: Product, needle: string): boolean {
  return (
    p.name.toLowerCase().includes(needle) || p.sku.toLowerCase().includes(needle) || (p.barcode ?? '').includes(needle)
  )
}

/** Works out every product's spelling ahead of the first search, so typing never waits for it. */
export function prepareSearch(products: readonly Product[]): void {
  for (const product of products) spelledName(product)
}

/** Pinyin spellings, worked out once per product the first time a search needs them. */
const spellings = new WeakMap<Product, { name: string; spelled: SpelledChar[] }>()

function spelledName(product: Product): SpelledChar[] {
  const known = spellings.get(product)
  if (known && known.name === product.name) return known.spelled
  const spelled = spellName(product.name)
  spellings.set(product, { name: product.name, spelled })
  return spelled
}

export function findByBarcode(products: readonly Product[], code: string): Product | undefined {
  return products.find((product) => product.barcode !== null && product.barcode === code)
}
