import { describe, expect, it } from 'vitest'
import type { Product } from '../../../src/shared/api/types'
import {
  ALL_CATEGORIES,
  filterProducts,
  findByBarcode,
  productCategories,
} from '../../../src/renderer/src/lib/productSearch'

function product(sku: string, name: string, category: string, barcode: string | null): Product {
  return { id: `prd_${sku}`, sku, name, category, barcode, priceFen: 100, active: true }
}

const products = [
  product('DRK-001', '豆浆', '饮料', '6901234567892'),
  product('DRK-002', '矿泉水 550ml', '饮料', '6921168509256'),
  product('BRK-001', '茶叶蛋', '早餐', '6900000000011'),
  product('BRK-002', '豆沙包', '早餐', null),
]

const skus = (list: Product[]) => list.map((p) => p.sku)

describe('product search', () => {
  it('lists categories in catalog order without repeats', () => {
    expect(productCategories(products)).toEqual(['饮料', '早餐'])
  })

  it('filters by category, and by name, SKU or barcode within it', () => {
    expect(skus(filterProducts(products, '', '早餐'))).toEqual(['BRK-001', 'BRK-002'])
    expect(skus(filterProducts(products, '豆', ALL_CATEGORIES))).toEqual(['DRK-001', 'BRK-002'])
    expect(skus(filterProducts(products, '豆', '早餐'))).toEqual(['BRK-002'])
    expect(skus(filterProducts(products, 'brk', ALL_CATEGORIES))).toEqual(['BRK-001', 'BRK-002'])
    expect(skus(filterProducts(products, '692116', ALL_CATEGORIES))).toEqual(['DRK-002'])
  })

  it('puts an exact SKU or barcode first, whatever the category tab', () => {
    expect(skus(filterProducts(products, '6900000000011', '饮料'))).toEqual(['BRK-001'])
    expect(skus(filterProducts(products, 'drk-002', ALL_CATEGORIES))[0]).toBe('DRK-002')
  })

  it('finds a scanned barcode exactly', () => {
    expect(findByBarcode(products, '6901234567892')?.sku).toBe('DRK-001')
    expect(findByBarcode(products, '690123456789')).toBeUndefined()
  })
})
