import { describe, expect, it } from 'vitest'
import type { Product } from '../../../src/shared/api/types'
import { amountOfferFen } from '../../../src/renderer/src/lib/amountOffer'

const product = (sku: string, name: string, barcode: string | null): Product =>
  ({ id: sku, sku, name, barcode, priceFen: 100, category: '饮料', active: true }) as Product

const CATALOG = [product('DRK-002', '矿泉水 550ml', '6921168509256'), product('DRK-003', '可乐 330ml', '6901939621608')]

describe('digits in the search box offered as an amount', () => {
  it('reads a price in yuan when it names no product', () => {
    expect(amountOfferFen('25', CATALOG)).toBe(2500)
    expect(amountOfferFen('12.5', CATALOG)).toBe(1250)
    expect(amountOfferFen(' 8.80 ', CATALOG)).toBe(880)
  })

  it('ignores digits that only sit inside a barcode, but not a name, a SKU or a whole barcode', () => {
    expect(amountOfferFen('25', CATALOG)).toBe(2500) // "25" is inside 6921168509256
    expect(amountOfferFen('330', CATALOG)).toBeNull() // 可乐 330ml
    expect(amountOfferFen('002', CATALOG)).toBeNull() // DRK-002
  })

  it('never offers barcodes, payment codes, zero or text', () => {
    expect(amountOfferFen('6921168509256', CATALOG)).toBeNull()
    expect(amountOfferFen('134567890123456781', CATALOG)).toBeNull()
    expect(amountOfferFen('0', CATALOG)).toBeNull()
    expect(amountOfferFen('0.00', CATALOG)).toBeNull()
    expect(amountOfferFen('1.234', CATALOG)).toBeNull()
    expect(amountOfferFen('可乐', CATALOG)).toBeNull()
    expect(amountOfferFen('', CATALOG)).toBeNull()
  })
})
