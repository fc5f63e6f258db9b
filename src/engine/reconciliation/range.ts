import { EngineError } from '../../shared/errors'
import { nextDay } from '../days/window'
import { beijingDate } from './bills/amounts'

const MAX_DAYS = 366

/** The days a list asks for: one date, a range, or by default the last two weeks. */
export function runRange(
  input: { date?: string; from?: string; to?: string },
  now: number,
): {
  from: string
  to: string
} {
  if (input.date) return { from: input.date, to: input.date }
  const to = input.to ?? beijingDate(now)
  const from = input.from ?? nextDay(to, -13)
  if (from > to) throw new EngineError('VALIDATION_FAILED', 'from must not be after to')
  if (Date.parse(to) - Date.parse(from) > MAX_DAYS * 86_400_000) {
    throw new EngineError('VALIDATION_FAILED', `a range spans at most ${MAX_DAYS} days`)
  }
  return { from, to }
}
