import type { Database } from 'better-sqlite3'
import type { OperationParsedInput } from '../../shared/api/operations'
import type { Product } from '../../shared/api/types'
import { EngineError } from '../../shared/errors'
import type { Clock } from '../clock'
import { insertProduct, listActiveProducts, skuOrBarcodeTaken } from './products'

export function createCatalogService(deps: { db: Database; clock: Clock; newId: (prefix: 'prd') => string }) {
  const { db, clock } = deps
  return {
    list: (): Product[] => listActiveProducts(db),
    create(input: OperationParsedInput<'products.create'>): Product {
      const product: Product = {
        id: deps.newId('prd'),
        name: input.name,
        sku: input.sku,
        barcode: input.barcode ?? null,
        priceFen: input.priceFen,
        category: input.category,
        active: true,
      }
      db.transaction(() => {
        if (skuOrBarcodeTaken(db, product.sku, product.barcode)) {
          throw new EngineError('SKU_TAKEN', `SKU or barcode already in use: ${product.sku}`)
        }
        insertProduct(db, product, clock.now())
      })()
      return product
    },
  }
}
