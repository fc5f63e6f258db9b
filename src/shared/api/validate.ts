import type { z } from 'zod'
import { EngineError, type ErrorCode } from '../errors'
import { operations, type OperationDef, type OperationName, type OperationParsedInput } from './operations'

/** Parses raw input for an operation; every failure becomes a coded EngineError. */
export function parseOperationInput<N extends OperationName>(name: N, raw: unknown): OperationParsedInput<N> {
  const op: OperationDef = operations[name]
  const result = (op.input as z.ZodType).safeParse(op.prepare ? op.prepare(raw ?? {}) : (raw ?? {}))
  if (result.success) return result.data as OperationParsedInput<N>
  const issues = result.error.issues
  const code = pickCode(issues)
  const details = issues.slice(0, 10).map((issue) => ({ path: issue.path.join('.'), message: issue.message }))
  const first = details[0]
  const where = first && first.path ? `${first.path}: ` : ''
  return fail(code, `${where}${first?.message ?? 'invalid input'}`, details)
}

function pickCode(issues: z.core.$ZodIssue[]): ErrorCode {
  const flat = issues.flatMap((issue) => (issue.code === 'invalid_union' ? [issue, ...issue.errors.flat()] : [issue]))
  return flat.some((issue) => issue.code === 'custom' && issue.params?.code === 'AMOUNT_OUT_OF_RANGE')
    ? 'AMOUNT_OUT_OF_RANGE'
    : 'VALIDATION_FAILED'
}

function fail(code: ErrorCode, message: string, details: unknown): never {
  throw new EngineError(code, message, details)
}
