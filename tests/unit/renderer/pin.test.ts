import { describe, expect, it } from 'vitest'
import { EngineError } from '../../../src/shared/errors'
import { checkPinChange, pinRefusal, typePinKey } from '../../../src/renderer/src/lib/pin'

describe('typing a PIN on the pad or the keyboard', () => {
  it('takes digits up to six, Backspace removes the last, anything else is ignored', () => {
    let pin = ''
    for (const key of ['1', '2', 'a', ' ', '3', 'Enter', '4', '5', '6', '7']) pin = typePinKey(pin, key)
    expect(pin).toBe('123456')
    expect(typePinKey(pin, 'Backspace')).toBe('12345')
    expect(typePinKey('', 'Backspace')).toBe('')
  })
})

describe('why a PIN was refused', () => {
  it('reads the attempts left and the lock from the engine’s details', () => {
    expect(pinRefusal(new EngineError('PIN_INCORRECT', 'wrong PIN', { attemptsLeft: 3 }))).toEqual({
      kind: 'incorrect',
      attemptsLeft: 3,
    })
    expect(pinRefusal(new EngineError('PIN_INCORRECT', 'wrong PIN'))).toEqual({ kind: 'incorrect', attemptsLeft: null })
    expect(pinRefusal(new EngineError('LOCKED', 'locked', { lockedUntil: '2026-11-30T06:37:00.000Z' }))).toEqual({
      kind: 'locked',
      until: '2026-11-30T06:37:00.000Z',
    })
    expect(pinRefusal(new EngineError('LOCKED', 'locked', { lockedUntil: 'soon' }))).toEqual({
      kind: 'locked',
      until: null,
    })
  })

  it('is null for other errors', () => {
    expect(pinRefusal(new EngineError('INTERNAL', 'down'))).toBeNull()
    expect(pinRefusal(new Error('boom'))).toBeNull()
  })
})

describe('changing a PIN', () => {
  it('needs the current PIN, a new 4–6 digit one unlike it, typed the same twice', () => {
    expect(checkPinChange({ current: '8888', next: '2468', repeat: '2468' })).toEqual({})
    expect(checkPinChange({ current: '', next: '12', repeat: '12' })).toEqual({
      current: 'currentInvalid',
      next: 'newInvalid',
    })
    expect(checkPinChange({ current: '8888', next: '8888', repeat: '8888' })).toEqual({ next: 'sameAsCurrent' })
    expect(checkPinChange({ current: '8888', next: '2468', repeat: '2469' })).toEqual({ repeat: 'repeatMismatch' })
  })
})
