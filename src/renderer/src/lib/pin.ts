import { EngineError } from '../../../shared/errors'
import { PIN_PATTERN } from '../../../shared/staff'

/** The longest PIN (shared/staff: 4 to 6 digits). */
export const PIN_MAX_LENGTH = 6
export const PIN_MIN_LENGTH = 4

/** A PIN being typed, after one key of the pad or the keyboard: a digit, or Backspace. */
export function typePinKey(pin: string, key: string): string {
  if (key === 'Backspace') return pin.slice(0, -1)
  if (/^\d$/.test(key) && pin.length < PIN_MAX_LENGTH) return pin + key
  return pin
}

export function isPin(value: string): boolean {
  return PIN_PATTERN.test(value)
}

/** Why a PIN was refused, from the engine's answer; null for any other error. */
export type PinRefusal =
  | { kind: 'incorrect'; attemptsLeft: number | null }
  | { kind: 'locked'; until: string | null }
  | { kind: 'unknownMember' }

export function pinRefusal(error: unknown): PinRefusal | null {
  if (!(error instanceof EngineError)) return null
  const details = (error.details ?? {}) as { attemptsLeft?: unknown; lockedUntil?: unknown }
  if (error.code === 'PIN_INCORRECT') {
    const left = details.attemptsLeft
    return {
      kind: 'incorrect',
      attemptsLeft: Number.isSafeInteger(left) && (left as number) >= 0 ? (left as number) : null,
    }
  }
  if (error.code === 'LOCKED') {
    const until = details.lockedUntil
    return { kind: 'locked', until: typeof until === 'string' && !Number.isNaN(Date.parse(until)) ? until : null }
  }
  if (error.code === 'NOT_FOUND') return { kind: 'unknownMember' }
  return null
}

export type PinChangeProblem = 'currentInvalid' | 'newInvalid' | 'repeatMismatch' | 'sameAsCurrent'

/** What is wrong with a change of PIN as typed (current, new, the new one again), by field. */
export function checkPinChange(draft: {
  current: string
  next: string
  repeat: string
}): Partial<Record<'current' | 'next' | 'repeat', PinChangeProblem>> {
  const problems: Partial<Record<'current' | 'next' | 'repeat', PinChangeProblem>> = {}
  if (!isPin(draft.current)) problems.current = 'currentInvalid'
  if (!isPin(draft.next)) problems.next = 'newInvalid'
  else if (draft.next === draft.current) problems.next = 'sameAsCurrent'
  else if (draft.repeat !== draft.next) problems.repeat = 'repeatMismatch'
  return problems
}
