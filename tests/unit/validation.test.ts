import { describe, expect, it } from 'vitest'
import { parseOperationInput } from '../../src/shared/api/validate'
import { EngineError } from '../../src/shared/errors'

function codeOf(fn: () => unknown): string | null {
  try {
    fn()
    return null
  } catch (error) {
    return error instanceof EngineError ? error.code : 'NOT_AN_ENGINE_ERROR'
  }
}

describe('contract validation', () => {
  it('accepts the two documented ways to create an order', () => {
    expect(parseOperationInput('orders.create', { lines: [{ sku: 'A', quantity: 2 }] })).toEqual({
      lines: [{ sku: 'A', quantity: 2 }],
      context: 'counter',
    })
    expect(parseOperationInput('orders.create', { amountFen: 1, description: '充值', context: 'online' })).toEqual({
      amountFen: 1,
      description: '充值',
      context: 'online',
    })
  })

  it.each([
    ['negative', -100],
    ['zero', 0],
    ['fractional', 12.5],
    ['huge', 1e12],
    ['beyond safe integers', 2 ** 60],
  ])('refuses a %s amount with AMOUNT_OUT_OF_RANGE', (_label, amountFen) => {
    expect(codeOf(() => parseOperationInput('orders.create', { amountFen }))).toBe('AMOUNT_OUT_OF_RANGE')
  })

  it.each([
    ['an amount as a string', { amountFen: '100' }],
    ['an unknown field', { amountFen: 100, discount: 5 }],
    ['an oversized description', { amountFen: 100, description: 'x'.repeat(5000) }],
    ['a fractional quantity', { lines: [{ sku: 'A', quantity: 1.5 }] }],
    ['no lines', { lines: [] }],
    ['null', null],
    ['an array', [1, 2]],
  ])('refuses %s with VALIDATION_FAILED', (_label, input) => {
    expect(codeOf(() => parseOperationInput('orders.create', input))).toBe('VALIDATION_FAILED')
  })

  it('refuses an unknown wallet id', () => {
    expect(codeOf(() => parseOperationInput('payments.create', { id: 'ord_x', wallet: 'paypal' }))).toBe(
      'VALIDATION_FAILED',
    )
  })

  it('reports where the problem is', () => {
    try {
      parseOperationInput('payments.create', { id: 'ord_x', wallet: 'wechat', method: 'nfc' })
      expect.unreachable()
    } catch (error) {
      expect((error as EngineError).message).toMatch(/^method:/)
    }
  })
})

describe('operation names', () => {
  it('the allow-list the preload uses names exactly the operations of the contract', async () => {
    const { operations, OPERATION_NAMES } = await import('../../src/shared/api/operations')
    expect([...OPERATION_NAMES].sort()).toEqual(Object.keys(operations).sort())
  })
})
