import { prepared } from '../db/prepared'
import type { Database } from 'better-sqlite3'
import type { Product } from '../../shared/api/types'

interface ProductRow {
  id: string
  name: string
  sku: string
  barcode: string | null
  price_fen: number
  category: string
  active: number
}

function fromRow(row: ProductRow): Product {
  return {
    id: row.id,
    name: row.name,
    sku: row.sku,
    barcode: row.barcode,
    priceFen: row.price_fen,
    category: row.category,
    active: row.active === 1,
  }
}

export function listActiveProducts(db: Database): Product[] {
  const rows = prepared(db, 'SELECT * FROM products WHERE active = 1 ORDER BY category, name').all() as ProductRow[]
  return rows.map(fromRow)
}

/**
 * Products are only ever added, never changed: a product once read is kept (every order line reads one).
 * Unknown SKUs are not kept, so a product added later is found. Dropped when a write is undone.
 */
const keptProducts = new WeakMap<Database, Map<string, Product>>()

export function forgetProducts(db: Database): void {
  keptProducts.delete(db)
}

export function findProductsBySku(db: Database, skus: readonly string[]): Map<string, Product> {
  let kept = keptProducts.get(db)
  if (!kept) keptProducts.set(db, (kept = new Map()))
  const found = new Map<string, Product>()
  for (const sku of new Set(skus)) {
    let product = kept.get(sku)
    if (!product) {
      const row = prepared(db, 'SELECT * FROM products WHERE sku = ? AND active = 1').get(sku) as ProductRow | undefined
      if (!row) continue
      kept.set(sku, (product = fromRow(row)))
    }
    found.set(sku, product)
  }
  return found
}

export function skuOrBarcodeTaken(db: Database, sku: string, barcode: string | null): boolean {
  return (
    prepared(db, 'SELECT 1 FROM products WHERE sku = ? OR (? IS NOT NULL AND barcode = ?)').get(
      sku,
      barcode,
      barcode,
    ) !== undefined
  )
}

export function insertProduct(db: Database, product: Product, now: number): void {
  prepared(
    db,
    `INSERT INTO products (id, name, sku, barcode, price_fen, category, active, created_at, updated_at)
     VALUES (@id, @name, @sku, @barcode, @priceFen, @category, @active, @now, @now)`,
  ).run({ ...product, active: product.active ? 1 : 0, now })
}

export function getProduct(db: Database, id: string): Product | null {
  const row = prepared(db, 'SELECT * FROM products WHERE id = ?').get(id) as ProductRow | undefined
  return row ? fromRow(row) : null
}
