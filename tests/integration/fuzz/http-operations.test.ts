import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { operations, type OperationDef } from '../../../src/shared/api/operations'
import type { ErrorCode } from '../../../src/shared/errors'
import { testServer } from '../../support/server'
import { deepJson, operationInput, pathParamValue, REJECTED_KEY } from './arbitraries'
import {
  changesBooks,
  classify,
  createClient,
  createTally,
  databaseDigest,
  decodedSegment,
  encodeSegment,
  expectCodedError,
  expectPrototypeUntouched,
  fuzzSeed,
  IDEMPOTENCY_TABLE,
  keptAnswers,
  OPERATIONS,
  runs,
  seedRecords,
  VALIDATION_CODES,
  watchBooks,
  type InputKind,
} from './harness'

/**
 * Bad input to every operation of the contract over HTTP, on the route the contract gives it: path parameters,
 * query strings (GET) and JSON bodies (POST). Every answer is a coded 4xx (or, for a valid read, the contract's
 * shape), and no request changes the books.
 */

const RUNS_PER_OPERATION = 100
/** The server's limits: request bodies (see the server's app) and Node's request-line-and-headers size. */
const BODY_LIMIT = 64 * 1024
/** Fastify's router refuses a path parameter longer than this (src/server/app.ts). */
const MAX_PARAM_LENGTH = 200
const HEADER_LIMIT = 16 * 1024
// A failing property shrinks its case before it reports, which can take a while.
vi.setConfig({ testTimeout: runs(60_000) })
const { tally, summary } = createTally('HTTP operations')
/** What an Idempotency-Key header may hold: 1–255 printable ASCII characters. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/
/** No key, a key never used before (made when the case runs), or one the server must refuse. */
const idempotencyKeyChoice = fc.oneof(
  { weight: 4, arbitrary: fc.constant('none') },
  { weight: 2, arbitrary: fc.constant('fresh') },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', ' ', 'a b', '\t', 'caf\u00e9', '\u00ff', 'k'.repeat(256), 'x'.repeat(5_000)),
  },
)
let keys = 0

let s: Awaited<ReturnType<typeof testServer>>
let client: ReturnType<typeof createClient>
let knownIds: string[]
let books: ReturnType<typeof watchBooks>

beforeAll(async () => {
  s = await testServer()
  client = createClient(s.base, await s.signIn('owner'))
  knownIds = await seedRecords(s.engine)
  books = watchBooks(s.engine.db)
})

afterAll(async () => {
  console.log(summary())
  client?.close()
  await s?.dispose()
})

function pathParams(op: OperationDef): string[] {
  return [...op.http.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Keys a careful JSON parser refuses: `__proto__`, and `constructor` holding a `prototype`. */
function hasPoisonedKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasPoisonedKey)
  if (!isPlainObject(value)) return false
  if (Object.prototype.hasOwnProperty.call(value, '__proto__')) return true
  const ctor = Object.prototype.hasOwnProperty.call(value, 'constructor') ? value.constructor : undefined
  if (isPlainObject(ctor) && Object.prototype.hasOwnProperty.call(ctor, 'prototype')) return true
  return Object.values(value).some(hasPoisonedKey)
}

function queryValue(value: unknown): string {
  if (typeof value === 'string') return value
  if (value === undefined) return ''
  if (typeof value === 'object' && value !== null) return JSON.stringify(value) ?? ''
  return String(value)
}

/** A query string from an input, and the object a query-string parser reads back from it. */
function toQuery(input: unknown): { query: string; parsed: Record<string, unknown> } {
  const pairs: [string, string][] = isPlainObject(input)
    ? Object.entries(input).flatMap(([key, value]): [string, string][] =>
        Array.isArray(value) && value.length > 0
          ? value.map((item): [string, string] => [key, queryValue(item)])
          : [[key, queryValue(value)]],
      )
    : [[queryValue(input), '']]
  const parsed: Record<string, unknown> = Object.create(null) as Record<string, unknown>
  for (const [rawKey, rawValue] of pairs) {
    const key = decodedSegment(rawKey)
    const value = decodedSegment(rawValue)
    const seen = parsed[key]
    parsed[key] = seen === undefined ? value : Array.isArray(seen) ? [...(seen as string[]), value] : [seen, value]
  }
  const query = pairs.map(([k, v]) => `${encodeSegment(k)}=${encodeSegment(v)}`).join('&')
  return { query, parsed }
}

interface Planned {
  method: string
  path: string
  headers: Record<string, string>
  body?: string
  /** The error codes that may answer; null when a valid read may also succeed. */
  expected: { kind: InputKind | 'unparsable'; codes: ErrorCode[] | null }
}

/** Builds the request and what the contract says of it, the way the server merges path, query and body. */
function plan(
  op: OperationDef,
  params: Record<string, string>,
  input: unknown,
  bodyForm: 'json' | 'absent',
  idempotencyKey: string | undefined,
  known: ReadonlySet<string>,
): Planned | null {
  const decoded = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, decodedSegment(v)]))
  const filled = op.http.path.replace(/\{(\w+)\}/g, (_, key: string) => encodeSegment(params[key] ?? ''))
  const headers: Record<string, string> = {}
  let path = filled
  let body: string | undefined
  let effective: unknown
  const extra: ErrorCode[] = []
  if (op.http.method === 'GET') {
    const { query, parsed } = toQuery(input)
    path = `${filled}?${query}`
    effective = { ...parsed, ...decoded }
  } else {
    body = bodyForm === 'json' ? JSON.stringify(input) : undefined
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    if (idempotencyKey !== undefined) headers['Idempotency-Key'] = idempotencyKey
    const value: unknown = body === undefined ? undefined : JSON.parse(body)
    if (body !== undefined && hasPoisonedKey(value)) extra.push('MALFORMED_JSON')
    if (body !== undefined && Buffer.byteLength(body) > BODY_LIMIT) {
      // The router refuses a path segment over its length limit before the body is read.
      const longSegment = Object.values(params).some((v) => encodeSegment(v).length > MAX_PARAM_LENGTH)
      const codes: ErrorCode[] = longSegment ? ['PAYLOAD_TOO_LARGE', 'VALIDATION_FAILED'] : ['PAYLOAD_TOO_LARGE']
      return { method: 'POST', path, headers, body, expected: { kind: 'unparsable', codes } }
    }
    if (value === undefined || value === null) effective = { ...decoded }
    else if (isPlainObject(value)) effective = { ...value, ...decoded }
    else effective = value
  }
  const method = op.http.method
  const pathBytes = Buffer.byteLength(path)
  if (pathBytes > HEADER_LIMIT) {
    return { method, path, headers, body, expected: { kind: 'unparsable', codes: ['PAYLOAD_TOO_LARGE'] } }
  }
  if (pathBytes > HEADER_LIMIT - 1024) extra.push('PAYLOAD_TOO_LARGE')
  const kind =
    isPlainObject(effective) || op.http.method === 'GET' ? classify(op, effective, known) : ('invalid' as const)
  if (kind === null) return null
  // A key the server cannot take is refused before the input is looked at.
  const refusedKey = idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey.trim())
  const codes =
    kind === 'invalid'
      ? [...VALIDATION_CODES, ...extra]
      : kind === 'read'
        ? null
        : refusedKey
          ? ['VALIDATION_FAILED' as const, ...extra]
          : []
  return { method, path, headers, body, expected: { kind, codes } }
}

describe('every operation over HTTP with generated bad input', () => {
  it('deeply nested JSON (up to the body limit) under an Idempotency-Key: a coded 400, nothing kept', async () => {
    const changes = OPERATIONS.filter(([, op]) => changesBooks(op)).map(([name]) => name)
    const before = databaseDigest(s.engine.db)
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...changes),
        fc.integer({ min: 100, max: 10_000 }),
        fc.constantFrom<'object' | 'array'>('object', 'array'),
        async (name, depth, kind) => {
          tally.inputs++
          const op = operations[name]
          const path = op.http.path.replace(/\{(\w+)\}/g, (_, key: string) =>
            key === 'wallet' ? 'wechat' : 'ord_01J0000000000000000000000Z',
          )
          const body = `{${JSON.stringify(REJECTED_KEY)}:${deepJson(depth, kind)}}`
          const headers = { 'Content-Type': 'application/json', 'Idempotency-Key': `deep-${++keys}` }
          const digest = books()
          const answer = await client.send({ method: 'POST', path, headers, body })
          if (answer.status >= 500) tally.serverErrors++
          const context = `POST ${path} (${Buffer.byteLength(body)} bytes, ${kind}s ${depth} deep) → ${answer.text.slice(0, 200)}`
          expect(answer.status, context).toBe(400)
          expect(expectCodedError(answer.status, answer.text), context).toBe('VALIDATION_FAILED')
          expect(books(), `the database changed: ${context}`).toBe(digest)
        },
      ),
      { numRuns: runs(60), ...fuzzSeed() },
    )
    expect(databaseDigest(s.engine.db)).toBe(before)
  })

  for (const [name, op] of OPERATIONS) {
    it(`${name} (${op.http.method} ${op.http.path}): a coded 4xx, and nothing changes`, async () => {
      const known = new Set(knownIds)
      const options = { json: true, knownIds }
      const params = fc.record(
        Object.fromEntries(pathParams(op).map((p) => [p, pathParamValue(op, p, options)])) as Record<
          string,
          fc.Arbitrary<string>
        >,
      )
      const bodyForm = fc.constantFrom<'json' | 'absent'>('json', 'json', 'json', 'json', 'absent')
      const keyChoice = changesBooks(op) ? idempotencyKeyChoice : fc.constant('none')
      const before = databaseDigest(s.engine.db, [IDEMPOTENCY_TABLE])
      await fc.assert(
        fc.asyncProperty(params, operationInput(op, options), bodyForm, keyChoice, async (p, input, form, choice) => {
          const key = choice === 'none' ? undefined : choice === 'fresh' ? `http-key-${++keys}` : choice
          const request = plan(op, p, input, form, key, known)
          if (request === null) tally.discarded++
          fc.pre(request !== null)
          tally.inputs++
          const digest = books()
          const digestBesideKept = books([IDEMPOTENCY_TABLE])
          const othersKept = keptAnswers(s.engine.db, key ?? '')
          const answer = await client.send(request)
          if (answer.status >= 500) tally.serverErrors++
          const context = `${request.method} ${request.path.slice(0, 300)} ${JSON.stringify(request.headers)} ${request.body?.slice(0, 300) ?? ''}`
          expect(answer.status, `${context} → ${answer.text.slice(0, 300)}`).toBeLessThan(500)
          const { codes } = request.expected
          if (answer.status < 300) {
            expect(codes, `${request.expected.kind} input was accepted: ${context}`).toBeNull()
            expect(answer.status).toBe(200)
            const output = op.output.safeParse(JSON.parse(answer.text))
            expect(output.success, `the answer has the contract shape: ${answer.text.slice(0, 300)}`).toBe(true)
          } else {
            const code = expectCodedError(answer.status, answer.text)
            if (codes?.length) expect(codes, `${context} → ${answer.text.slice(0, 300)}`).toContain(code)
          }
          expectPrototypeUntouched()
          if (key !== undefined && answer.status !== 400) {
            // A refusal a retry would get again is kept under its key, and that is all that is written.
            expect(books([IDEMPOTENCY_TABLE]), `the database changed: ${context}`).toBe(digestBesideKept)
            expect(keptAnswers(s.engine.db, key), 'answers kept under other keys changed').toEqual(othersKept)
          } else {
            expect(books(), `the database changed: ${context}`).toBe(digest)
          }
        }),
        { numRuns: runs(RUNS_PER_OPERATION), ...fuzzSeed() },
      )
      expect(databaseDigest(s.engine.db, [IDEMPOTENCY_TABLE]), 'the database changed over the run').toBe(before)
    })
  }
})
