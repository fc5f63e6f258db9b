import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  ATTEMPT_STATUSES,
  ATTEMPT_TRANSITIONS,
  canTransition,
  FINAL_ATTEMPT_STATUSES,
  FINAL_ORDER_STATUSES,
  ORDER_STATUSES,
  ORDER_TRANSITIONS,
} from '../../src/shared/states'

describe('state machines', () => {
  it('final states have no way out', () => {
    for (const s of FINAL_ORDER_STATUSES) expect(ORDER_TRANSITIONS[s]).toEqual([])
    for (const s of FINAL_ATTEMPT_STATUSES) expect(ATTEMPT_TRANSITIONS[s]).toEqual([])
  })

  it('a paid order can only be reached from open or awaiting payment', () => {
    const into = ORDER_STATUSES.filter((s) => canTransition(ORDER_TRANSITIONS, s, 'paid'))
    expect(into.sort()).toEqual(['awaiting_payment', 'open'])
  })

  it('any walk through the attempt machine ends in at most two steps and never leaves a final state', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ATTEMPT_STATUSES), { maxLength: 6 }), (targets) => {
        let state: (typeof ATTEMPT_STATUSES)[number] = 'created'
        let steps = 0
        for (const next of targets) {
          if (canTransition(ATTEMPT_TRANSITIONS, state, next)) {
            state = next
            steps++
          }
        }
        expect(steps).toBeLessThanOrEqual(2)
        if (steps === 2) expect(FINAL_ATTEMPT_STATUSES).toContain(state)
      }),
    )
  })
})
