import { describe, expect, it } from 'vitest'
import { maskName, maskPhone, normalizePayCode } from '../../src/engine/friendPay/service'

describe('what a friend sees of the requester', () => {
  it.each([
    ['王小明', false, '王**'],
    ['李明', false, '李*'],
    ['王', false, '王*'],
    ['李明', true, '*明'],
    ['欧阳小明', true, '*阳小明'],
    ['Wang Xiaoming', false, 'W*** X*******'],
  ])('%s (hide first: %s) → %s', (name, hideFirst, masked) => {
    expect(maskName(name, hideFirst)).toBe(masked)
  })

  it('masks phone numbers and forgives how a pay code is typed', () => {
    expect(maskPhone('13800138000')).toBe('138****8000')
    expect(normalizePayCode(' 7k3m-q9pd ')).toBe('7K3MQ9PD')
    expect(normalizePayCode('OIL0-1234')).toBe('01101234')
  })
})
