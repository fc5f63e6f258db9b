import { describe, expect, it } from 'vitest'
import { auditActor, auditValue, fieldChanges } from '../../../src/renderer/src/lib/audit'

describe('the change log in words', () => {
  it('lists each changed field with its value before and after, nested rules field by field', () => {
    const before = {
      wallet: 'wechat',
      feeRateBp: 60,
      maxFen: null,
      productRules: { onlyCategories: [], excludeSkus: ['A'] },
    }
    const after = {
      wallet: 'wechat',
      feeRateBp: 38,
      maxFen: 12_340,
      productRules: { onlyCategories: ['饮料'], excludeSkus: ['A'] },
    }
    expect(fieldChanges(before, after)).toEqual([
      { field: 'feeRateBp', before: 60, after: 38 },
      { field: 'maxFen', before: null, after: 12_340 },
      { field: 'productRules.onlyCategories', before: [], after: ['饮料'] },
    ])
  })

  it("writes values in the merchant's terms", () => {
    expect(auditValue('maxFen', 12_340)).toEqual({ text: '¥123.40' })
    expect(auditValue('feeRateBp', 38)).toEqual({ text: '0.38%' })
    expect(auditValue('rolloutPercent', 45)).toEqual({ text: '45%' })
    expect(auditValue('maxFen', null)).toEqual({ key: 'settings.audit.value.none' })
    expect(auditValue('accepted', false)).toEqual({ key: 'settings.audit.value.off' })
    expect(auditValue('onlyCategories', ['饮料', '早餐'])).toEqual({ text: '饮料、早餐' })
    expect(auditValue('accounts', [{ id: 'a' }, { id: 'b' }])).toEqual({
      key: 'settings.audit.value.items',
      params: { n: 2 },
    })
  })

  it('tells a member from the integration and the engine itself', () => {
    expect(auditActor('stf_1')).toEqual({ kind: 'staff', id: 'stf_1' })
    expect(auditActor('integration')).toEqual({ kind: 'integration' })
    expect(auditActor(null)).toEqual({ kind: 'system' })
  })
})
