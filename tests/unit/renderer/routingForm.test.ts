import { describe, expect, it } from 'vitest'
import { DEFAULT_FRIEND_PAY_SETTINGS } from '../../../src/shared/api/schemas'
import { DEFAULT_PAYMENT_CODE_RULES } from '../../../src/shared/paymentCodes'
import { fromRoutingDraft, toRoutingDraft, type RoutingSettings } from '../../../src/renderer/src/lib/routingForm'

const routing: RoutingSettings = {
  ranking: ['last_used', 'priority', 'lowest_cost'],
  paymentCodeRules: DEFAULT_PAYMENT_CODE_RULES,
  paymentCodeTimeoutSeconds: 60,
  accountHealth: { windowMinutes: 30, minAttempts: 5, minSuccessPercent: 50, cooldownMinutes: 5 },
  friendPay: DEFAULT_FRIEND_PAY_SETTINGS,
}

describe('routing settings form', () => {
  it('round-trips the stored settings', () => {
    expect(fromRoutingDraft(toRoutingDraft(routing))).toEqual({ ok: true, value: routing })
  })

  it('reports the rules, the friend-pay limit and the rest of the contract together', () => {
    const draft = toRoutingDraft(routing)
    const result = fromRoutingDraft({
      ...draft,
      ranking: ['priority', 'priority'],
      rules: [{ ...draft.rules[0]!, prefixes: 'x' }],
      friendPay: { ...draft.friendPay, maxYuan: '' },
    })
    expect(result.ok || result.errors).toEqual([
      { field: 'paymentCodeRules.0.prefixes', code: 'INVALID_PREFIXES' },
      { field: 'friendPay.maxYuan', code: 'REQUIRED' },
      { field: 'ranking', code: 'INVALID' },
    ])
  })
})
