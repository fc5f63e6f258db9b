import { describe, expect, it } from 'vitest'
import { maskName, maskPhone, normalizePayCode } from '../../src/engine/friendPay/service'
import { maskRequesterName } from '../../src/renderer/src/lib/friendPay'
import { maskPersonName } from '../../src/shared/friendPay'

describe('what a friend sees of the requester', () => {
  it.each([
    ['王小明', '王**'],
    ['赵敏', '赵*'],
    ['王', '王*'],
    [' 李明 ', '李*'],
    ['欧阳小明', '欧阳**'],
    ['司马光', '司马*'],
    ['欧阳', '欧*'],
    ['Wang Xiaoming', 'W***'],
    ['Li', 'L***'],
    ['', ''],
  ])('%s → %s', (name, masked) => {
    expect(maskPersonName(name)).toBe(masked)
  })

  it('is one rule for the friend page, the API and the console', () => {
    for (const name of ['王小明', '赵敏', '欧阳小明', 'Wang Xiaoming']) {
      expect(maskName(name)).toBe(maskPersonName(name))
      expect(maskRequesterName(name)).toBe(maskPersonName(name))
    }
  })

  it('never shows more than the surname', () => {
    for (const name of ['王小明', '欧阳小明', '诸葛孔明', 'Wang Xiaoming']) {
      const shown = maskPersonName(name).replace(/\*/g, '')
      expect(shown.length).toBeLessThanOrEqual(2)
      expect(name.startsWith(shown)).toBe(true)
    }
  })

  it('masks phone numbers and forgives how a pay code is typed', () => {
    expect(maskPhone('13800138000')).toBe('138****8000')
    expect(normalizePayCode(' 7k3m-q9pd ')).toBe('7K3MQ9PD')
    expect(normalizePayCode('OIL0-1234')).toBe('01101234')
  })
})
