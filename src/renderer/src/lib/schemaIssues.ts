import type { z } from 'zod'
import { firstPerField, type FormError, type FormErrorCode, type FormResult } from './formErrors'

/**
 * The forms check what they send with the engine's own schemas (src/shared/api/schemas.ts), so a rule
 * lives in one place; this turns the schema's issues into errors on the form's fields.
 */

type Issue = z.core.$ZodIssue
export type IssueKind = Issue['code']

/** A code for issues the kind alone does not name (a pattern, a check of the schema's own). */
export interface IssueRule {
  /** Matched against the form's field name. */
  field: RegExp
  code: FormErrorCode
  /** Only issues of these kinds; any when left out. */
  kinds?: readonly IssueKind[]
  /** Only issues with a matching message: tells apart the schema's checks on one path that carry no code. */
  message?: RegExp
}

export interface IssueMapping {
  /** The form's field for a schema path (dotted), e.g. "feeRateBp" → "feeRate". Default: the path. */
  field?: (path: string) => string
  /** Tried in order, before the codes that follow from the issue's kind. */
  rules?: readonly IssueRule[]
  /** Places an error the schema reports on a whole list onto the rows it is about. */
  place?: (error: FormError) => FormError[]
}

/** The codes the schemas put on checks of their own (`params.code`), as the form's codes. */
const PARAM_CODES: Readonly<Record<string, FormErrorCode>> = { AMOUNT_OUT_OF_RANGE: 'INVALID_AMOUNT' }

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined
    value = (value as Record<PropertyKey, unknown>)[key]
  }
  return value
}

function isNumeric(origin: string): boolean {
  return origin === 'number' || origin === 'int' || origin === 'bigint'
}

function kindCode(issue: Issue): FormErrorCode {
  if (issue.code === 'too_small') {
    if (isNumeric(issue.origin)) return 'OUT_OF_RANGE'
    return Number(issue.minimum) <= 1 && !issue.exact ? 'REQUIRED' : 'INVALID'
  }
  if (issue.code === 'too_big') {
    if (isNumeric(issue.origin)) return 'OUT_OF_RANGE'
    return issue.origin === 'string' ? 'TOO_LONG' : 'INVALID'
  }
  return 'INVALID'
}

function issueCode(issue: Issue, field: string, input: unknown, rules: readonly IssueRule[]): FormErrorCode {
  const param: unknown = issue.code === 'custom' ? issue.params?.['code'] : undefined
  if (typeof param === 'string' && PARAM_CODES[param]) return PARAM_CODES[param]
  // Whatever a text field's pattern or length, an empty one is simply missing.
  const value = valueAt(input, issue.path)
  if (
    (issue.code === 'too_small' || issue.code === 'invalid_format') &&
    typeof value === 'string' &&
    value.trim() === ''
  )
    return 'REQUIRED'
  const rule = rules.find(
    (r) =>
      r.field.test(field) &&
      (!r.kinds || r.kinds.includes(issue.code)) &&
      (!r.message || r.message.test(issue.message)),
  )
  return rule?.code ?? kindCode(issue)
}

/** A schema's issues with `input` as errors on the form's fields. */
export function schemaIssuesToFormErrors(
  issues: readonly Issue[],
  input: unknown,
  mapping: IssueMapping = {},
): FormError[] {
  return issues.flatMap((issue) => {
    const path = issue.path.map(String).join('.')
    const field = mapping.field ? mapping.field(path) : path
    const error: FormError = { field, code: issueCode(issue, field, input, mapping.rules ?? []) }
    return mapping.place ? mapping.place(error) : [error]
  })
}

/**
 * `value` if `schema` accepts it and turning the form's text into it went well (no `errors`);
 * otherwise every problem, one per field: the conversion's first, then the schema's.
 */
export function checkWithSchema<T>(
  schema: z.ZodType,
  value: T,
  mapping: IssueMapping = {},
  errors: readonly FormError[] = [],
): FormResult<T> {
  const result = schema.safeParse(value)
  const issues = result.success ? [] : schemaIssuesToFormErrors(result.error.issues, value, mapping)
  const all = firstPerField([...errors, ...issues])
  return all.length > 0 ? { ok: false, errors: all } : { ok: true, value }
}

/** A field-name function from [pattern, replacement] pairs; the first match wins, other paths stay. */
export function renameFields(pairs: readonly (readonly [RegExp, string])[]): (path: string) => string {
  return (path) => {
    const pair = pairs.find(([pattern]) => pattern.test(path))
    return pair ? path.replace(pair[0], pair[1]) : path
  }
}
