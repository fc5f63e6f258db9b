import { describe, expect, it } from 'vitest'
import { MAX_AMOUNT_FEN, fenToYuanString } from '../../../src/shared/money'
import { EngineError } from '../../../src/shared/errors'
import { cashMoveRefusal, checkCashMove, drawerAmountFen } from '../../../src/renderer/src/lib/cashMoveForm'

describe('a drawer amount typed in yuan', () => {
  it('is integer fen, a float of nothing allowed only where asked for', () => {
    expect(drawerAmountFen('200', { allowZero: false })).toBe(20000)
    expect(drawerAmountFen(' 12.5 ', { allowZero: false })).toBe(1250)
    expect(drawerAmountFen('0.01', { allowZero: false })).toBe(1)
    expect(drawerAmountFen('0', { allowZero: false })).toBeNull()
    expect(drawerAmountFen('0', { allowZero: true })).toBe(0)
  })

  it('refuses what is not a plain amount, or is above the largest one', () => {
    for (const text of ['', '-5', '1.234', '1e3', '¥5', 'abc', '12,00']) {
      expect(drawerAmountFen(text, { allowZero: true }), text).toBeNull()
    }
    expect(drawerAmountFen(fenToYuanString(MAX_AMOUNT_FEN), { allowZero: false })).toBe(MAX_AMOUNT_FEN)
    expect(drawerAmountFen(fenToYuanString(MAX_AMOUNT_FEN + 1), { allowZero: false })).toBeNull()
  })
})

describe('存入 / 取出 as typed', () => {
  it('becomes the request for the engine, the note trimmed and left out when empty', () => {
    expect(checkCashMove('out', { amountText: '50', reason: 'to_safe', note: '  ' })).toEqual({
      ok: true,
      request: { direction: 'out', amountFen: 5000, reason: 'to_safe' },
    })
    expect(checkCashMove('in', { amountText: '20.5', reason: 'other', note: ' 老板补的零钱 ' })).toEqual({
      ok: true,
      request: { direction: 'in', amountFen: 2050, reason: 'other', note: '老板补的零钱' },
    })
  })

  it('names every problem by field: amount, reason, and a note for "other"', () => {
    expect(checkCashMove('in', { amountText: '0', reason: null, note: '' })).toEqual({
      ok: false,
      problems: { amount: 'amountInvalid', reason: 'reasonRequired' },
    })
    expect(checkCashMove('out', { amountText: '5', reason: 'other', note: ' ' })).toEqual({
      ok: false,
      problems: { note: 'noteRequired' },
    })
    expect(checkCashMove('out', { amountText: '5', reason: 'paid_out', note: 'x'.repeat(201) })).toEqual({
      ok: false,
      problems: { note: 'noteTooLong' },
    })
  })

  it('refuses a reason of the other direction (a top-up is not a way to take cash out)', () => {
    expect(checkCashMove('out', { amountText: '5', reason: 'change_top_up', note: '' })).toEqual({
      ok: false,
      problems: { reason: 'reasonRequired' },
    })
  })
})

describe('the engine refusing a cash-out', () => {
  it('says what the drawer holds when it holds less than asked', () => {
    const refused = new EngineError('INVALID_STATE', 'the drawer does not hold that much cash', { expectedFen: 4250 })
    expect(cashMoveRefusal(refused)).toEqual({ key: 'shift.cash.drawerShort', params: { amount: '¥42.50' } })
    expect(cashMoveRefusal(new EngineError('INVALID_STATE', 'shift is closed'))).toBeNull()
    expect(cashMoveRefusal(new Error('offline'))).toBeNull()
  })
})
