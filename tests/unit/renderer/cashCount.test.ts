import { describe, expect, it } from 'vitest'
import {
  cashMoveReasons,
  closeNeedsApproval,
  countVerdict,
  differenceMessage,
  formatSignedFen,
  splitMovementReason,
} from '../../../src/renderer/src/lib/cashCount'

describe('a counted drawer against the expected cash', () => {
  it('is over (长款), short (短款) or even by the sign of counted minus expected', () => {
    expect(countVerdict(1)).toBe('over')
    expect(countVerdict(-1)).toBe('short')
    expect(countVerdict(0)).toBe('even')
  })

  it('says the difference in words with the amount without its sign', () => {
    expect(differenceMessage(1250)).toEqual({ key: 'shift.difference.over', params: { amount: '¥12.50' } })
    expect(differenceMessage(-1250)).toEqual({ key: 'shift.difference.short', params: { amount: '¥12.50' } })
    expect(differenceMessage(-123456)).toEqual({ key: 'shift.difference.short', params: { amount: '¥1,234.56' } })
    expect(differenceMessage(0)).toEqual({ key: 'shift.difference.even' })
  })

  it('always shows which way a difference goes', () => {
    expect(formatSignedFen(150)).toBe('+¥1.50')
    expect(formatSignedFen(-150)).toBe('-¥1.50')
    expect(formatSignedFen(0)).toBe('¥0.00')
  })

  it("needs a manager's PIN only for a cashier beyond the limit (the limit itself is fine)", () => {
    expect(closeNeedsApproval(1000, 1000, true)).toBe(false)
    expect(closeNeedsApproval(-1000, 1000, true)).toBe(false)
    expect(closeNeedsApproval(1001, 1000, true)).toBe(true)
    expect(closeNeedsApproval(-1001, 1000, true)).toBe(true)
    expect(closeNeedsApproval(-5000, 1000, false)).toBe(false)
    // The limit not read yet: the engine decides, and the screen asks once it says so.
    expect(closeNeedsApproval(-5000, null, true)).toBe(false)
  })
})

describe('cash moved by hand', () => {
  it('offers the reasons of its direction', () => {
    expect(cashMoveReasons('in')).toEqual(['change_top_up', 'other'])
    expect(cashMoveReasons('out')).toEqual(['paid_out', 'to_safe', 'other'])
  })

  it('reads back the reason and the note the engine keeps as one text', () => {
    expect(splitMovementReason('to_safe')).toEqual({ reason: 'to_safe', note: null })
    expect(splitMovementReason('other: 买胶带: 2 卷')).toEqual({ reason: 'other', note: '买胶带: 2 卷' })
    expect(splitMovementReason('paid_out: ')).toEqual({ reason: 'paid_out', note: null })
    expect(splitMovementReason('something else')).toEqual({ reason: null, note: 'something else' })
    expect(splitMovementReason(null)).toEqual({ reason: null, note: null })
  })
})
