import { describe, expect, it } from 'vitest'
import { backoffDelay } from '../../../src/renderer/src/lib/backoff'
import { parseVoiceSettings } from '../../../src/renderer/src/lib/voiceSettings'
import { valueAtPath } from '../../../src/renderer/src/composables/useLiveFormErrors'

describe('small pieces of the console', () => {
  it('probes a lost server after 1 s, doubling, never more than 10 s apart', () => {
    expect([0, 1, 2, 3, 4, 10].map(backoffDelay)).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000])
  })

  it('reads announcement settings, falling back to speaking at 80 % for its own orders', () => {
    expect(parseVoiceSettings(null)).toEqual({ enabled: true, volume: 80, scope: 'mine' })
    expect(parseVoiceSettings('{"enabled":false,"volume":130,"scope":"all"}')).toEqual({
      enabled: false,
      volume: 100,
      scope: 'all',
    })
    expect(parseVoiceSettings('{"volume":"loud","scope":"x"}')).toEqual({ enabled: true, volume: 80, scope: 'mine' })
  })

  it("finds a form field's value by its dotted path", () => {
    const draft = { feeRate: '0.6', accounts: [{ feeRate: '' }, { feeRate: '0.3' }] }
    expect(valueAtPath(draft, 'accounts.1.feeRate')).toBe('"0.3"')
    expect(valueAtPath(draft, 'feeRate')).toBe('"0.6"')
    expect(valueAtPath(draft, 'nope.x')).toBe('')
  })
})
