import { SYSTEM_CALLER } from '../../../src/engine'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { EngineError } from '../../../src/shared/errors'
import { OPERATION_NAMES, operations, type OperationDef, type OperationName } from '../../../src/shared/api/operations'
import { testEngine } from '../../support/engine'
import { oddString, operationInput } from './arbitraries'
import {
  changesBooks,
  classify,
  createTally,
  databaseDigest,
  expectEngineError,
  expectPrototypeUntouched,
  fuzzSeed,
  IDEMPOTENCY_TABLE,
  keptAnswers,
  OPERATIONS,
  runs,
  seedRecords,
  VALIDATION_CODES,
  watchBooks,
} from './harness'

/**
 * Bad input through the engine's entry point for untrusted callers (what Electron IPC calls): every operation of
 * the contract answers with a coded error and leaves the books as they were.
 */

const RUNS_PER_OPERATION = 250
// A failing property shrinks its case before it reports, which can take a while.
vi.setConfig({ testTimeout: runs(60_000) })
const { tally, summary } = createTally('engine.invokeUntrusted / invokeIdempotent')

let t: ReturnType<typeof testEngine>
let knownIds: string[]
let books: ReturnType<typeof watchBooks>

beforeAll(async () => {
  t = testEngine()
  knownIds = await seedRecords(t.engine)
  books = watchBooks(t.engine.db)
})

afterAll(async () => {
  console.log(summary())
  await t?.dispose()
})

function loggedErrors(): number {
  return t.log.entries.filter((e) => e.level === 'error').length
}

describe("the engine's entry points for IPC and HTTP with generated bad input", () => {
  it('the database digest notices a change made through the API', async () => {
    const before = books()
    expect(before).toBe(databaseDigest(t.engine.db))
    await t.engine.invokeUntrusted('orders.create', { amountFen: 1, description: 'digest check' }, SYSTEM_CALLER)
    expect(books()).not.toBe(before)
    expect(books()).toBe(databaseDigest(t.engine.db))
  })

  for (const [name, op] of OPERATIONS) {
    it(`${name}: answers a coded error, never INTERNAL, and changes nothing`, async () => {
      const known = new Set(knownIds)
      const before = databaseDigest(t.engine.db)
      await fc.assert(
        fc.asyncProperty(operationInput(op, { json: false, knownIds }), async (input) => {
          const kind = classify(op, input, known)
          if (kind === null) tally.discarded++
          fc.pre(kind !== null)
          tally.inputs++
          const errorsBefore = loggedErrors()
          const digest = books()
          let outcome: { ok: true; value: unknown } | { ok: false; error: unknown }
          try {
            outcome = { ok: true, value: await t.engine.invokeUntrusted(name, input, SYSTEM_CALLER) }
          } catch (error) {
            outcome = { ok: false, error }
          }
          if (!outcome.ok && (!(outcome.error instanceof EngineError) || outcome.error.code === 'INTERNAL')) {
            tally.serverErrors++
          }
          if (kind === 'read' && outcome.ok) {
            expect(op.output.safeParse(outcome.value).success, 'the answer has the contract shape').toBe(true)
          } else {
            expect(outcome.ok, `${kind} input was accepted`).toBe(false)
            const error = expectEngineError((outcome as { error: unknown }).error)
            if (kind === 'invalid') expect(VALIDATION_CODES).toContain(error.code)
            expect(error.httpStatus, `${error.code}: ${error.message}`).toBeLessThan(500)
          }
          expect(loggedErrors(), 'the engine logged an unexpected failure').toBe(errorsBefore)
          expectPrototypeUntouched()
          expect(books(), 'the database changed').toBe(digest)
        }),
        { numRuns: runs(RUNS_PER_OPERATION), ...fuzzSeed() },
      )
      expect(databaseDigest(t.engine.db), 'the database changed over the run').toBe(before)
    })
  }

  let keys = 0
  /** A key never used before (`fresh`, made when the case runs, so a shrunk case gets its own), or an odd one. */
  const idempotencyKey: fc.Arbitrary<string> = fc.oneof(
    { weight: 3, arbitrary: fc.constant('fresh') },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.constantFrom('', ' ', 'a b', 'caf\u00e9', '\u0000', 'k'.repeat(256), '\n'),
        oddString.filter((k) => !/^[\x21-\x7e]{1,255}$/.test(k)),
      ),
    },
  )

  /** One call under an idempotency key: a coded error; a 400 writes nothing, another refusal only its kept answer. */
  async function checkIdempotent(name: OperationName, op: OperationDef, keyChoice: string, input: unknown) {
    const kind = classify(op, input, new Set(knownIds))
    if (kind === null) tally.discarded++
    fc.pre(kind !== null)
    tally.inputs++
    const key = keyChoice === 'fresh' ? `key-${++keys}` : keyChoice
    const errorsBefore = loggedErrors()
    const digest = books()
    const digestBesideKept = books([IDEMPOTENCY_TABLE])
    const othersKept = keptAnswers(t.engine.db, key)
    const error = await t.engine.invokeIdempotent(key, name, input, SYSTEM_CALLER).then(
      () => null,
      (e: unknown) => e,
    )
    if (!(error instanceof EngineError) || error.code === 'INTERNAL') tally.serverErrors++
    expect(error, `${kind} input was accepted`).not.toBeNull()
    const coded = expectEngineError(error)
    expect(coded.httpStatus, `${coded.code}: ${coded.message}`).toBeLessThan(500)
    if (kind === 'invalid') expect(VALIDATION_CODES).toContain(coded.code)
    if (coded.httpStatus === 400) {
      expect(books(), 'the database changed').toBe(digest)
    } else {
      // A refusal a retry would get again is kept under its key, and that is all that is written.
      expect(books([IDEMPOTENCY_TABLE]), 'the database changed').toBe(digestBesideKept)
      expect(keptAnswers(t.engine.db, key), 'answers kept under other keys changed').toEqual(othersKept)
    }
    expect(loggedErrors(), 'the engine logged an unexpected failure').toBe(errorsBefore)
    expectPrototypeUntouched()
  }

  const changes = OPERATIONS.filter(([, op]) => changesBooks(op))

  for (const [name, op] of changes) {
    it(`${name} under an idempotency key (JSON input): a coded error, and only a kept refusal is written`, async () => {
      const before = databaseDigest(t.engine.db, [IDEMPOTENCY_TABLE])
      await fc.assert(
        fc.asyncProperty(idempotencyKey, operationInput(op, { json: true, knownIds }), (key, input) =>
          checkIdempotent(name, op, key, input),
        ),
        { numRuns: runs(60), ...fuzzSeed() },
      )
      expect(databaseDigest(t.engine.db, [IDEMPOTENCY_TABLE]), 'the database changed over the run').toBe(before)
    })
  }

  it('any change under an idempotency key with values only IPC carries (BigInt, Map, Date, typed arrays…)', async () => {
    const before = databaseDigest(t.engine.db, [IDEMPOTENCY_TABLE])
    const call = fc
      .constantFrom(...changes)
      .chain(([name, op]) => fc.tuple(fc.constant(name), idempotencyKey, operationInput(op, { json: false, knownIds })))
    await fc.assert(
      fc.asyncProperty(call, ([name, key, input]) => checkIdempotent(name, operations[name], key, input)),
      { numRuns: runs(300), ...fuzzSeed() },
    )
    expect(databaseDigest(t.engine.db, [IDEMPOTENCY_TABLE]), 'the database changed over the run').toBe(before)
  })

  it('an operation name outside the contract answers UNKNOWN_OPERATION', async () => {
    const names = OPERATION_NAMES as readonly string[]
    const name = fc.oneof(
      oddString,
      fc.constantFrom(...names).map((n) => n.toUpperCase()),
      fc.constantFrom(...names).map((n) => `${n} `),
      fc.constantFrom(...names).map((n) => `${n}\u0000`),
      fc.constantFrom(...names).map((n) => n.replace('.', '/')),
      fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'),
      // Objects a structured clone carries whose own toString is not a function.
      fc.constantFrom<unknown>({ toString: [] }, { toString: {}, valueOf: {} }, { toString: null }),
      fc.anything(),
    )
    const before = databaseDigest(t.engine.db)
    await fc.assert(
      fc.asyncProperty(name, fc.anything(), async (operation, input) => {
        fc.pre(!names.includes(operation as string))
        tally.inputs++
        const error = await t.engine.invokeUntrusted(operation, input, SYSTEM_CALLER).then(
          () => null,
          (e: unknown) => e,
        )
        if (!(error instanceof EngineError) || error.code === 'INTERNAL') tally.serverErrors++
        expect(expectEngineError(error).code).toBe('UNKNOWN_OPERATION')
      }),
      { numRuns: runs(200), ...fuzzSeed() },
    )
    expect(databaseDigest(t.engine.db)).toBe(before)
  })
})
