import fc from 'fast-check'
import { z } from 'zod'
import type { OperationDef } from '../../../src/shared/api/operations'
import { MAX_AMOUNT_FEN } from '../../../src/shared/money'

/**
 * Generators of bad input for the API contract. Inputs start from a plausible value built from each operation's
 * own schema (as JSON Schema) and are then damaged: wrong types, out-of-range and fractional amounts, unicode,
 * oversized strings, unknown ids, extra and missing fields, arrays where objects are expected, deep nesting.
 */

type JsonSchema = Record<string, unknown>

export interface InputOptions {
  /** Only values that survive JSON (HTTP bodies); otherwise anything an IPC message may carry too. */
  json: boolean
  /** Ids of records that exist in the database under test. */
  knownIds: readonly string[]
}

// ---- strings ----

const ODD_STRINGS = [
  '',
  ' ',
  '   \t\n',
  '\u0000',
  'a\u0000b',
  '\u202Eevil\u202C',
  'مرحبا بالعالم',
  'שלום',
  '\u200F\u200E\u061C',
  '𠜎𠜱𠝹',
  '👩‍👩‍👧‍👦',
  'e\u0301\u0301\u0301',
  '\uFEFF',
  '\u200B',
  '\uD800',
  '\uDC00x',
  'x\uD83D',
  '\\',
  '"',
  "'",
  '`',
  '<script>alert(1)</script>',
  '%00',
  '%2e%2e%2f',
  '../../etc/passwd',
  "' OR 1=1 --",
  '"; DROP TABLE orders; --',
  '%',
  '_',
  '*',
  '\r\n\r\n',
  'null',
  'undefined',
  'NaN',
  'true',
  '[]',
  '{}',
  '１２３',
  '١٢٣',
  '𝟏𝟐𝟑',
  '\u0085\u2028\u2029',
  '\uFFFD\uFFFF',
  'A'.repeat(65),
]

/** A long string made of one repeated unit (up to 100,000 UTF-16 units). */
export const hugeString: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('a', '界', '𠀀', '\u0000', ' ', 'é', '9', '%', '"', '\\u0000'),
    fc.integer({ min: 1_000, max: 100_000 }),
  )
  .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length))

export const oddString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ODD_STRINGS) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }) },
  { weight: 1, arbitrary: hugeString },
)

export const numericString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '0',
    '1',
    '-1',
    '1.5',
    '1e3',
    '1e400',
    '0x10',
    '0b11',
    '0o7',
    ' 5',
    '5 ',
    '+5',
    '5.0',
    '1_000',
    'Infinity',
    '-Infinity',
    '00012',
    '١٢',
    '１２',
    '9'.repeat(400),
    String(MAX_AMOUNT_FEN + 1),
  ),
  fc.integer().map(String),
  fc.double().map(String),
)

// ---- numbers ----

export const oddNumber: fc.Arbitrary<number> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      0,
      -0,
      -1,
      0.5,
      1.5,
      0.1 + 0.2,
      99.999,
      -1e-7,
      2 ** 31 - 1,
      2 ** 31,
      2 ** 32,
      2 ** 53 - 1,
      2 ** 53,
      2 ** 53 + 2,
      -(2 ** 53),
      1e21,
      1e308,
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      Number.EPSILON,
      NaN,
      Infinity,
      -Infinity,
      MAX_AMOUNT_FEN + 1,
      MAX_AMOUNT_FEN + 0.5,
      MAX_AMOUNT_FEN * 10,
    ),
  },
  { weight: 2, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.integer({ min: -(2 ** 31), max: 0 }) },
  { weight: 1, arbitrary: fc.integer({ min: MAX_AMOUNT_FEN + 1, max: Number.MAX_SAFE_INTEGER }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 1000 }).map((n) => n + 0.25) },
)

// ---- ids ----

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/
const PREFIXES = ['ord', 'lin', 'pay', 'prd', 'rfd', 'agg', 'fpr']

/** Ids of nothing in the database: ULID-like, prefixed, very long, odd characters. */
export const unknownId: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.stringMatching(ULID) },
  {
    weight: 3,
    arbitrary: fc.tuple(fc.constantFrom(...PREFIXES), fc.stringMatching(ULID)).map(([p, u]) => `${p}_${u}`),
  },
  { weight: 1, arbitrary: fc.constantFrom(5_000, 65, 64, 200, 201).map((n) => 'ord_'.padEnd(n, '0')) },
  { weight: 2, arbitrary: oddString },
)

// ---- structure ----

/**
 * Objects and arrays nested up to a thousand levels deep (deeper JSON is sent as text, see `deepJson`: built as
 * values, it would overflow the stack of whoever serializes it first).
 */
export const deeplyNested: fc.Arbitrary<unknown> = fc
  .tuple(fc.integer({ min: 20, max: 1_000 }), fc.constantFrom('object', 'array', 'mixed'))
  .map(([depth, kind]) => {
    let value: unknown = 1
    for (let i = 0; i < depth; i++) {
      const asArray = kind === 'array' || (kind === 'mixed' && i % 2 === 0)
      value = asArray ? [value] : { a: value }
    }
    return value
  })

/** JSON text of a value nested `depth` levels deep (objects `{"a":…}` or arrays `[…]`). */
export function deepJson(depth: number, kind: 'object' | 'array'): string {
  return kind === 'object'
    ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
    : `${'['.repeat(depth)}${']'.repeat(depth)}`
}

const EXTRA_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '',
  ' ',
  'id ',
  'ID',
  'amountfen',
  'AmountFen',
  '\u0000',
  'wallet\u200B',
  'x'.repeat(5_000),
  '$where',
  'a.b',
  'a[b]',
]

export const extraKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...EXTRA_KEYS),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
)

/** A JSON object with a key no operation takes: no contract schema accepts it. */
export const REJECTED_KEY = '\u202Enot-a-field\u0000'

/** Sets an own property, even `__proto__`, without touching any prototype. */
export function withKey(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...target }
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true })
  return copy
}

function without(target: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...target }
  delete copy[key]
  return copy
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value)
}

/** Values that IPC can carry (structured clone) but JSON cannot. */
const ipcOnlyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(undefined),
  fc.bigInt(),
  fc.date({ noInvalidDate: false }),
  fc.anything({
    maxDepth: 2,
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withSparseArray: true,
    withTypedArray: true,
    stringUnit: 'binary',
  }),
)

/** A value of the wrong kind for almost any field. */
export function badValue(options: InputOptions): fc.Arbitrary<unknown> {
  const shared: fc.WeightedArbitrary<unknown>[] = [
    { weight: 4, arbitrary: oddNumber },
    { weight: 2, arbitrary: numericString },
    { weight: 4, arbitrary: oddString },
    { weight: 2, arbitrary: unknownId },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constantFrom([], {}, [[]], [{}], { value: 1 }, [1, 2, 3], ['a']) },
    { weight: 1, arbitrary: deeplyNested },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(JSON.parse('{"__proto__":{"polluted":"yes"}}') as unknown, {
        constructor: { prototype: { polluted: 'yes' } },
      }),
    },
  ]
  if (!options.json) shared.push({ weight: 2, arbitrary: ipcOnlyValue })
  return fc.oneof(...shared)
}

// ---- from the contract's schemas ----

/** An operation's input schema as JSON Schema (what the OpenAPI document publishes). */
export function inputJsonSchema(op: OperationDef): { schema: JsonSchema; defs: Record<string, JsonSchema> } {
  const schema = z.toJSONSchema(op.input, { io: 'input', unrepresentable: 'any' }) as JsonSchema
  return { schema, defs: (schema.$defs ?? {}) as Record<string, JsonSchema> }
}

/** Where an id of another record is expected. */
function isReferenceField(name: string | undefined): boolean {
  return name === 'id' || name === 'orderId'
}

export function idValue(options: InputOptions): fc.Arbitrary<string> {
  return options.knownIds.length
    ? fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...options.knownIds) }, { weight: 2, arbitrary: unknownId })
    : unknownId
}

/** A value shaped like the schema asks (mostly valid), for damage to start from. */
export function plausible(
  schema: JsonSchema,
  defs: Record<string, JsonSchema>,
  options: InputOptions,
  field?: string,
): fc.Arbitrary<unknown> {
  if (isReferenceField(field) && schema.type === 'string') return idValue(options)
  if (typeof schema.$ref === 'string') {
    const target = defs[schema.$ref.replace('#/$defs/', '')]
    if (!target) return fc.anything()
    return plausible({ ...schema, ...target, $ref: undefined }, defs, options, field)
  }
  const variants = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined
  if (variants) return fc.oneof(...variants.map((v) => plausible(v, defs, options, field)))
  if ('const' in schema) return fc.constant(schema.const)
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]))
  switch (schema.type) {
    case 'string': {
      const minLength = (schema.minLength as number | undefined) ?? 0
      const maxLength = Math.min((schema.maxLength as number | undefined) ?? 24, minLength + 24)
      if (typeof schema.pattern === 'string') return fc.stringMatching(new RegExp(schema.pattern))
      return fc.string({ unit: 'grapheme', minLength, maxLength }).filter((s) => s.trim().length >= minLength)
    }
    case 'integer':
      return fc.integer({
        min: (schema.minimum as number | undefined) ?? 0,
        max: (schema.maximum as number | undefined) ?? 1_000_000,
      })
    case 'number':
      return fc.integer({
        min: (schema.minimum as number | undefined) ?? 1,
        max: (schema.maximum as number | undefined) ?? 1_000_000,
      })
    case 'boolean':
      return fc.boolean()
    case 'null':
      return fc.constant(null)
    case 'array': {
      const items = (schema.items ?? {}) as JsonSchema
      const minLength = (schema.minItems as number | undefined) ?? 0
      const maxLength = Math.min((schema.maxItems as number | undefined) ?? 3, minLength + 2)
      return fc.array(plausible(items, defs, options), { minLength, maxLength })
    }
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>
      const requiredKeys = ((schema.required ?? []) as string[]).filter((k) => k in properties)
      const fields = Object.fromEntries(
        Object.entries(properties).map(([key, sub]) => [key, plausible(sub, defs, options, key)]),
      )
      return fc.record(fields, { requiredKeys })
    }
    default:
      return fc.jsonValue({ maxDepth: 2 })
  }
}

/** Damages a value once: a field replaced, removed or added, an element changed, or the value itself replaced. */
export function damage(value: unknown, options: InputOptions, depth = 0): fc.Arbitrary<unknown> {
  const bad = badValue(options)
  if (isPlainObject(value)) {
    const keys = Object.keys(value)
    const choices: fc.WeightedArbitrary<unknown>[] = [
      { weight: 2, arbitrary: fc.tuple(extraKey, bad).map(([k, v]) => withKey(value, k, v)) },
      { weight: 1, arbitrary: bad },
    ]
    if (keys.length) {
      const key = fc.constantFrom(...keys)
      choices.push(
        { weight: 4, arbitrary: fc.tuple(key, bad).map(([k, v]) => withKey(value, k, v)) },
        { weight: 2, arbitrary: key.map((k) => without(value, k)) },
      )
      if (depth < 4) {
        choices.push({
          weight: 3,
          arbitrary: key.chain((k) => damage(value[k], options, depth + 1).map((v) => withKey(value, k, v))),
        })
      }
    }
    return fc.oneof(...choices)
  }
  if (Array.isArray(value)) {
    const choices: fc.WeightedArbitrary<unknown>[] = [
      { weight: 2, arbitrary: bad.map((v) => [...(value as unknown[]), v]) },
      { weight: 1, arbitrary: fc.constant([]) },
      {
        weight: 1,
        arbitrary: fc.integer({ min: 2, max: 10_000 }).map((n) => Array.from({ length: n }, () => value[0])),
      },
      { weight: 1, arbitrary: bad },
    ]
    if (value.length) {
      const index = fc.nat({ max: value.length - 1 })
      choices.push({
        weight: 3,
        arbitrary: fc.tuple(index, bad).map(([i, v]) => value.map((x, j) => (j === i ? v : x))),
      })
      if (depth < 4) {
        choices.push({
          weight: 2,
          arbitrary: index.chain((i) =>
            damage(value[i], options, depth + 1).map((v) => value.map((x, j) => (j === i ? v : x))),
          ),
        })
      }
    }
    return fc.oneof(...choices)
  }
  return bad
}

/** Input for one operation: mostly damaged plausible input, sometimes something of another shape altogether. */
export function operationInput(op: OperationDef, options: InputOptions): fc.Arbitrary<unknown> {
  const { schema, defs } = inputJsonSchema(op)
  const base = plausible(schema, defs, options)
  const once = base.chain((v) => damage(v, options))
  return fc.oneof(
    { weight: 8, arbitrary: once },
    { weight: 3, arbitrary: once.chain((v) => damage(v, options)) },
    { weight: 1, arbitrary: base },
    { weight: 2, arbitrary: badValue(options) },
    { weight: 1, arbitrary: base.map((v) => [v]) },
    { weight: 1, arbitrary: options.json ? fc.object({ maxDepth: 2 }) : ipcOnlyValue },
  )
}

/** The schema of one named field of an input (looking into union variants). */
export function fieldSchema(op: OperationDef, field: string): { schema: JsonSchema; defs: Record<string, JsonSchema> } {
  const { schema, defs } = inputJsonSchema(op)
  const resolved = typeof schema.$ref === 'string' ? (defs[schema.$ref.replace('#/$defs/', '')] ?? schema) : schema
  const variants = [resolved, ...(((resolved.anyOf ?? resolved.oneOf) as JsonSchema[] | undefined) ?? [])]
  for (const variant of variants) {
    const found = (variant.properties as Record<string, JsonSchema> | undefined)?.[field]
    if (found) return { schema: found, defs }
  }
  return { schema: { type: 'string' }, defs }
}

/** A value for an HTTP path parameter: plausible for its field, or odd. */
export function pathParamValue(op: OperationDef, field: string, options: InputOptions): fc.Arbitrary<string> {
  const { schema, defs } = fieldSchema(op, field)
  const usual = plausible(schema, defs, options, field).map((v) => (typeof v === 'string' ? v : String(v)))
  return fc.oneof({ weight: 3, arbitrary: usual }, { weight: 1, arbitrary: oddString })
}
