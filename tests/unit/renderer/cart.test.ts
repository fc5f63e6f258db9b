import { describe, expect, it } from 'vitest'
import { buildOrderRequest, cartTotalFen, type CartLine } from '../../../src/renderer/src/lib/cart'

const egg: CartLine = { sku: 'BRK-001', name: '茶叶蛋', unitPriceFen: 150, quantity: 2 }
const milk: CartLine = { sku: 'DRK-001', name: '豆浆', unitPriceFen: 400, quantity: 1 }

describe('cart', () => {
  it('totals lines and keyed amounts in integer fen', () => {
    expect(cartTotalFen([egg, milk], [])).toBe(700)
    expect(cartTotalFen([egg], [{ id: 1, amountFen: 1 }])).toBe(301)
    expect(cartTotalFen([{ ...egg, unitPriceFen: 10, quantity: 3 }], [])).toBe(30)
  })

  it('orders catalog lines by SKU and quantity', () => {
    expect(buildOrderRequest([egg, milk], [], '手动金额')).toEqual({
      lines: [
        { sku: 'BRK-001', quantity: 2 },
        { sku: 'DRK-001', quantity: 1 },
      ],
    })
  })

  it('orders a single keyed amount as a plain amount', () => {
    expect(buildOrderRequest([], [{ id: 1, amountFen: 1234 }], '手动金额')).toEqual({ amountFen: 1234 })
  })

  it('keeps every keyed amount as its own open-price line, beside the catalog lines', () => {
    expect(
      buildOrderRequest(
        [egg],
        [
          { id: 1, amountFen: 500 },
          { id: 2, amountFen: 66 },
        ],
        '手动金额',
      ),
    ).toEqual({
      lines: [
        { sku: 'BRK-001', quantity: 2 },
        { name: '手动金额', unitPriceFen: 500, quantity: 1 },
        { name: '手动金额', unitPriceFen: 66, quantity: 1 },
      ],
    })
  })

  it('has nothing to order when empty', () => {
    expect(buildOrderRequest([], [], '手动金额')).toBeNull()
  })
})
