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

describe('pinyin search', () => {
  it('finds a product by the initials of its name', () => {
    expect(skus(filterProducts(products, 'dj', ALL_CATEGORIES))).toEqual(['DRK-001'])
    expect(skus(filterProducts(products, 'DJ', ALL_CATEGORIES))).toEqual(['DRK-001'])
    expect(skus(filterProducts(products, 'cyd', ALL_CATEGORIES))).toEqual(['BRK-001'])
  })

  it('finds a product by full pinyin, with or without spaces, and by a partial last syllable', () => {
    expect(skus(filterProducts(products, 'doujiang', ALL_CATEGORIES))).toEqual(['DRK-001'])
    expect(skus(filterProducts(products, 'dou jiang', ALL_CATEGORIES))).toEqual(['DRK-001'])
    expect(skus(filterProducts(products, 'doujia', ALL_CATEGORIES))).toEqual(['DRK-001'])
    expect(skus(filterProducts(products, 'dou', ALL_CATEGORIES))).toEqual(['DRK-001', 'BRK-002'])
  })

  it('finds a product by characters and pinyin mixed', () => {
    expect(skus(filterProducts(products, '豆j', ALL_CATEGORIES))).toEqual(['DRK-001'])
    expect(skus(filterProducts(products, 'd浆', ALL_CATEGORIES))).toEqual(['DRK-001'])
    expect(skus(filterProducts(products, '豆s包', ALL_CATEGORIES))).toEqual(['BRK-002'])
  })

  it('matches consecutive characters only, from the start of a syllable', () => {
    expect(filterProducts(products, 'db', ALL_CATEGORIES)).toEqual([])
    expect(filterProducts(products, 'ouj', ALL_CATEGORIES)).toEqual([])
    expect(skus(filterProducts(products, 'kqs', ALL_CATEGORIES))).toEqual(['DRK-002'])
  })

  it('accepts either reading of a polyphonic character', () => {
    const wall = [product('GFT-001', '长城干红', '礼品', null)]
    expect(skus(filterProducts(wall, 'cc', ALL_CATEGORIES))).toEqual(['GFT-001'])
    expect(skus(filterProducts(wall, 'zhangcheng', ALL_CATEGORIES))).toEqual(['GFT-001'])
  })

  it('keeps the category tab and puts text matches before pinyin-only ones', () => {
    expect(filterProducts(products, 'dj', '早餐')).toEqual([])
    const drinks = [product('DRK-009', '冬瓜茶 dg', '饮料', null), product('DRK-010', '豆干', '饮料', null)]
    expect(skus(filterProducts([...drinks].reverse(), 'dg', ALL_CATEGORIES))).toEqual(['DRK-009', 'DRK-010'])
  })

  it('spells a catalog of thousands of products without trouble', () => {
    const many = Array.from({ length: 3000 }, (_, i) => product(`SKU-${i}`, `农夫山泉矿泉水${i}`, '饮料', null))
    many.push(product('DRK-777', '酸梅汤', '饮料', null))
    expect(skus(filterProducts(many, 'smt', ALL_CATEGORIES))).toEqual(['DRK-777'])
    expect(filterProducts(many, 'nfsq', ALL_CATEGORIES)).toHaveLength(3000)
  })
})
