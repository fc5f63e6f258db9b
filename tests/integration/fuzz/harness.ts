import { createHash } from 'node:crypto'
import http from 'node:http'
import net from 'node:net'
import type { Database } from 'better-sqlite3'
import { expect } from 'vitest'
import type { Engine } from '../../../src/engine'
import { operations, type OperationDef, type OperationName } from '../../../src/shared/api/operations'
import { EngineError, ERROR_STATUS, type ErrorCode } from '../../../src/shared/errors'
import { TEST_TOKEN } from '../../support/server'
import { customerPays } from '../../support/simulator'

/** Every operation of the contract, read from the contract itself. */
export const OPERATIONS = Object.entries(operations) as [OperationName, OperationDef][]

/** Operations that change the books: everything not served by GET. */
export function changesBooks(op: OperationDef): boolean {
  return op.http.method !== 'GET'
}

/** The codes a request that fails validation is answered with. */
export const VALIDATION_CODES: readonly ErrorCode[] = ['VALIDATION_FAILED', 'AMOUNT_OUT_OF_RANGE']

/** Runs of a property: `base`, scaled by FUZZ_SCALE for a longer search (FUZZ_SCALE=10 runs ten times as many). */
export function runs(base: number): number {
  const scale = Number(process.env.FUZZ_SCALE)
  return Math.max(1, Math.round(base * (Number.isFinite(scale) && scale > 0 ? scale : 1)))
}

/** The seed `npm test` uses, so the same cases run every time; FUZZ_SEED=random searches further. */
const DEFAULT_SEED = 20261130

/**
 * A seed for fast-check: FUZZ_SEED to replay a run, `random` for a new search (fast-check prints the seed of a
 * failure), the fixed default otherwise.
 */
export function fuzzSeed(): { seed?: number } {
  if (process.env.FUZZ_SEED === 'random') return {}
  const seed = Number(process.env.FUZZ_SEED ?? DEFAULT_SEED)
  return Number.isSafeInteger(seed) ? { seed } : { seed: DEFAULT_SEED }
}

// ---- the books ----

/** Where the answers kept for Idempotency-Key retries are stored: a refusal under a key is kept there by design. */
export const IDEMPOTENCY_TABLE = 'idempotency_keys'

/** A digest of every row of every table of the merchant's database (but the tables named in `except`). */
export function databaseDigest(db: Database, except: readonly string[] = []): string {
  const hash = createHash('sha256')
  const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
    name: string
    sql: string | null
  }[]
  for (const { name, sql } of tables) {
    if (except.includes(name)) continue
    const order = sql && /WITHOUT\s+ROWID/i.test(sql) ? '1' : 'rowid'
    hash.update(`\u0000table ${name}\u0000`)
    for (const row of db
      .prepare(`SELECT * FROM "${name.replaceAll('"', '""')}" ORDER BY ${order}`)
      .raw()
      .iterate()) {
      hash.update(JSON.stringify(row))
      hash.update('\n')
    }
  }
  return hash.digest('hex')
}

/**
 * Digests of the merchant's database, recomputed only when this connection has changed a row since the last one
 * (SQLite's total_changes(); the engine writes its books through this one connection, and makes no schema change
 * while it runs). Cheap enough to take before and after every generated case.
 */
export function watchBooks(db: Database) {
  const changes = db.prepare('SELECT total_changes()').pluck()
  let cached: { changes: number; digests: Map<string, string> } | null = null
  return function digest(except: readonly string[] = []): string {
    const now = changes.get() as number
    if (!cached || cached.changes !== now) cached = { changes: now, digests: new Map() }
    const key = except.join('\u0000')
    let value = cached.digests.get(key)
    if (value === undefined) {
      value = databaseDigest(db, except)
      cached.digests.set(key, value)
    }
    return value
  }
}

/** The answers kept for Idempotency-Key retries, but the one under `exceptKey`. */
export function keptAnswers(db: Database, exceptKey: string): unknown[] {
  return db.prepare(`SELECT * FROM ${IDEMPOTENCY_TABLE} WHERE key IS NOT ? ORDER BY rowid`).raw().all(exceptKey)
}

/** Fails when anything was added to Object.prototype (prototype pollution). */
const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort().join(',')
export function expectPrototypeUntouched(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort().join(',')).toBe(PROTOTYPE_KEYS)
}

/**
 * Records to aim at: an open order with a pending QR payment, a paid order whose second payment was refunded,
 * and an order with an open friend-pay request. Returns every id they have.
 */
export async function seedRecords(engine: Engine): Promise<string[]> {
  const open = await engine.invoke('orders.create', { lines: [{ sku: 'BRK-002', quantity: 1 }] })
  const pending = await engine.invoke('payments.create', { id: open.id, wallet: 'wechat', method: 'qr', qrSvg: false })
  const paid = await engine.invoke('orders.create', { amountFen: 800, customerRef: 'shop-42' })
  const first = await engine.invoke('payments.create', { id: paid.id, wallet: 'wechat', qrSvg: false })
  const second = await engine.invoke('payments.create', { id: paid.id, wallet: 'alipay', qrSvg: false })
  engine.simulator.setOutcome(second.id, 'succeed_silently')
  expect(await customerPays(engine, second.qrContent)).toBe('paid')
  expect(await customerPays(engine, first.qrContent)).toBe('paid')
  await engine.sweep()
  await engine.idle()
  const paidDetail = await engine.invoke('orders.get', { id: paid.id })
  expect(paidDetail.status).toBe('paid')
  expect(paidDetail.refunds).toHaveLength(1)
  const friendOrder = await engine.invoke('orders.create', { amountFen: 900 })
  const friend = await engine.invoke('friendPay.create', { id: friendOrder.id, requesterName: '王小明' })
  return [
    open.id,
    pending.id,
    paid.id,
    first.id,
    second.id,
    ...paidDetail.refunds.map((r) => r.id),
    ...paidDetail.lines.map((l) => l.id),
    friendOrder.id,
    friend.id,
  ]
}

// ---- what the contract says of an input ----

/** Whether the contract accepts this input for the operation (documented defaults filled in first). */
export function contractAccepts(op: OperationDef, raw: unknown): boolean {
  const input = raw ?? {}
  return op.input.safeParse(op.prepare ? op.prepare(input) : input).success
}

/**
 * What an input is, for the checks:
 * - `invalid`: the contract refuses it — it must be answered with a validation code and change nothing;
 * - `unknown-record`: valid, but names a record that does not exist — a coded 4xx, nothing changed;
 * - `read`: a valid read — an answer in the contract's shape, or a coded 4xx;
 * - `null`: a valid change to a record that exists — not something bad input may do, so not generated.
 */
export type InputKind = 'invalid' | 'unknown-record' | 'read'

export function classify(op: OperationDef, input: unknown, knownIds: ReadonlySet<string>): InputKind | null {
  if (!contractAccepts(op, input)) return 'invalid'
  if (!changesBooks(op)) return 'read'
  const id = (input as { id?: unknown } | null | undefined)?.id
  return typeof id === 'string' && !knownIds.has(id) ? 'unknown-record' : null
}

// ---- answers ----

/** A coded error body: exactly {"error":{"code","message"[,"details"]}} with a known code matching the status. */
export function expectCodedError(status: number, text: string): ErrorCode {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new Error(`status ${status} with a body that is not JSON: ${JSON.stringify(text.slice(0, 300))}`)
  }
  expect(body, `status ${status}: ${text.slice(0, 300)}`).toEqual({
    error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
  })
  const error = (body as { error: Record<string, unknown> }).error
  expect(Object.keys(error).filter((k) => !['code', 'message', 'details'].includes(k))).toEqual([])
  const code = error.code as ErrorCode
  expect(Object.keys(ERROR_STATUS), `unknown error code in ${text.slice(0, 300)}`).toContain(code)
  expect(ERROR_STATUS[code], `status ${status} does not match code ${code}`).toBe(status)
  return code
}

/** What invokeUntrusted threw: a coded EngineError, never INTERNAL. */
export function expectEngineError(error: unknown): EngineError {
  if (!(error instanceof EngineError)) {
    throw new Error(`rejected with something other than an EngineError: ${String(error)}`, { cause: error })
  }
  expect(Object.keys(ERROR_STATUS)).toContain(error.code)
  expect(error.code, error.message).not.toBe('INTERNAL')
  expect(typeof error.message).toBe('string')
  return error
}

// ---- a plain HTTP client: raw paths, any method, any body ----

export interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  text: string
}

export interface HttpRequest {
  method: string
  path: string
  headers?: Record<string, string>
  body?: string | Buffer
  /** Leave out the bearer token. */
  anonymous?: boolean
  /** Send the body in pieces (Transfer-Encoding: chunked) instead of with a Content-Length. */
  chunked?: boolean
}

const ANSWER_TIMEOUT_MS = 10_000

/** A raw client with the API token, acting as the staff session given (the demo owner in these tests). */
export function createClient(base: string, session: string | null = null) {
  const { hostname, port } = new URL(base)
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 })
  function send(request: HttpRequest, retried = false): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { ...request.headers }
      if (!request.anonymous) headers.Authorization = `Bearer ${TEST_TOKEN}`
      if (!request.anonymous && session !== null) headers['X-Hutong-Session'] = session
      const req = http.request(
        { host: hostname, port, path: request.path, method: request.method, headers, agent },
        (response) => {
          const chunks: Buffer[] = []
          response.on('data', (chunk: Buffer) => chunks.push(chunk))
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          )
          response.on('error', reject)
        },
      )
      req.setTimeout(ANSWER_TIMEOUT_MS, () =>
        req.destroy(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms to ${request.method} ${request.path}`)),
      )
      req.on('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive connection the server closed just as it was reused: the request never arrived, send it again.
        if (req.reusedSocket && error.code === 'ECONNRESET' && !retried) resolve(send(request, true))
        else reject(error)
      })
      if (request.chunked && request.body !== undefined) {
        const body = Buffer.from(request.body)
        for (let at = 0; at < body.length; at += 7) req.write(body.subarray(at, at + 7))
        req.end()
      } else {
        req.end(request.body)
      }
    })
  }
  return { send, close: () => agent.destroy() }
}

/** Sends bytes as written on a fresh connection (request lines an HTTP client would refuse to send). */
export function sendRaw(base: string, bytes: Buffer): Promise<Answer> {
  const { hostname, port } = new URL(base)
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) })
    const chunks: Buffer[] = []
    socket.setTimeout(ANSWER_TIMEOUT_MS, () => socket.destroy(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`)))
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('close', () => {
      const raw = Buffer.concat(chunks)
      const headEnd = raw.indexOf('\r\n\r\n')
      const head = raw.subarray(0, headEnd < 0 ? raw.length : headEnd).toString('latin1')
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)
      if (headEnd < 0 || !status) return reject(new Error(`no HTTP answer: ${JSON.stringify(head.slice(0, 200))}`))
      const headers: http.IncomingHttpHeaders = {}
      for (const line of head.split('\r\n').slice(1)) {
        const at = line.indexOf(':')
        headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim()
      }
      // Only the first answer: bytes after a refused request may be read as a second one.
      const rest = raw.subarray(headEnd + 4)
      const length = Number(headers['content-length'])
      const body = headers['transfer-encoding'] === 'chunked' ? unchunk(rest) : rest.subarray(0, length || 0)
      const text = body.toString('utf8')
      resolve({ status: Number(status[1]), headers, text })
    })
    socket.end(bytes)
  })
}

/** The body of a chunked answer. */
function unchunk(raw: Buffer): Buffer {
  const parts: Buffer[] = []
  let at = 0
  for (;;) {
    const end = raw.indexOf('\r\n', at)
    const size = end < 0 ? 0 : parseInt(raw.subarray(at, end).toString('latin1'), 16)
    if (!(size > 0)) return Buffer.concat(parts)
    parts.push(raw.subarray(end + 2, end + 2 + size))
    at = end + 2 + size + 2
  }
}

/** Percent-encodes every byte of the UTF-8 form except letters, digits, `-`, `_` and `~`. */
export function encodeSegment(value: string): string {
  let out = ''
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte)
    out += /[A-Za-z0-9_~-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/** The string a server reads back from `encodeSegment` (lone surrogates become U+FFFD in UTF-8). */
export function decodedSegment(value: string): string {
  return Buffer.from(value, 'utf8').toString('utf8')
}

/** Counts of one test file, printed once at the end. */
export function createTally(area: string) {
  const tally = { inputs: 0, serverErrors: 0, discarded: 0 }
  return {
    tally,
    summary: () =>
      `fuzz (${area}): ${tally.inputs} generated inputs, ${tally.serverErrors} server errors` +
      (tally.discarded ? ` (${tally.discarded} valid changes skipped)` : ''),
  }
}
