import { createHash } from 'node:crypto'
import type { Database } from 'better-sqlite3'
import { EngineError, ERROR_STATUS, type ErrorData } from '../../shared/errors'
import type { Clock } from '../clock'
import { prepared } from '../db/prepared'
import type { EventLog } from '../events/log'

/** How long an answer is kept for a retry with the same key (Stripe's 24 hours). */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 3600_000
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/

export interface IdempotentResult {
  output: unknown
  /** True when this is the stored answer of an earlier request with the same key. */
  replayed: boolean
}

type StoredOutcome = { ok: true; output: unknown } | { ok: false; error: ErrorData }

/**
 * Idempotency keys with Stripe's semantics, for every transport: the same key and request replay the stored
 * answer; the same key with another request is IDEMPOTENCY_KEY_REUSED; a duplicate while the first is running
 * is IDEMPOTENCY_IN_PROGRESS. Answers are stored in the merchant's books, committed before the first answer
 * leaves, so a retry after a lost answer or a restart gets the same one.
 */
export function createIdempotencyKeys(db: Database, events: EventLog, clock: Clock) {
  const running = new Map<string, string>()

  async function run(key: string, operation: string, input: unknown, execute: () => Promise<unknown>) {
    if (!KEY_PATTERN.test(key)) {
      throw new EngineError('VALIDATION_FAILED', 'Idempotency-Key must be 1–255 printable ASCII characters')
    }
    const fingerprint = fingerprintOf(operation, input)
    const stored = storedAnswer(db, key, clock.now())
    if (stored) return replay(stored, fingerprint)
    const runningFingerprint = running.get(key)
    if (runningFingerprint !== undefined) throw duplicate(runningFingerprint === fingerprint)
    running.set(key, fingerprint)
    try {
      return await executeAndKeep(key, fingerprint, execute)
    } finally {
      running.delete(key)
    }
  }

  async function executeAndKeep(key: string, fingerprint: string, execute: () => Promise<unknown>) {
    let outcome: StoredOutcome
    try {
      outcome = { ok: true, output: await execute() }
    } catch (error) {
      if (error instanceof EngineError && isFinalAnswer(error))
        keep(key, fingerprint, { ok: false, error: error.toData() })
      throw error
    }
    keep(key, fingerprint, outcome)
    return { output: outcome.output, replayed: false }
  }

  function keep(key: string, fingerprint: string, outcome: StoredOutcome): void {
    events.unitOfWork(() => {
      prepared(
        db,
        `INSERT INTO idempotency_keys (key, fingerprint, outcome, created_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET fingerprint = excluded.fingerprint, outcome = excluded.outcome,
             created_at = excluded.created_at`,
      ).run(key, fingerprint, JSON.stringify(outcome), clock.now())
    })
  }

  return {
    run: run as (
      key: string,
      operation: string,
      input: unknown,
      execute: () => Promise<unknown>,
    ) => Promise<IdempotentResult>,
    /** Forgets answers older than the time they are kept for (the sweep calls this). */
    expire(): number {
      const cutoff = clock.now() - IDEMPOTENCY_KEY_TTL_MS
      return events.unitOfWork(
        () => prepared(db, 'DELETE FROM idempotency_keys WHERE created_at < ?').run(cutoff).changes,
      )
    },
  }
}

export type IdempotencyKeys = ReturnType<typeof createIdempotencyKeys>

function storedAnswer(db: Database, key: string, now: number) {
  const row = prepared(db, 'SELECT fingerprint, outcome, created_at FROM idempotency_keys WHERE key = ?').get(key) as
    { fingerprint: string; outcome: string; created_at: number } | undefined
  if (!row || now - row.created_at >= IDEMPOTENCY_KEY_TTL_MS) return null
  return { fingerprint: row.fingerprint, outcome: JSON.parse(row.outcome) as StoredOutcome }
}

function replay(stored: { fingerprint: string; outcome: StoredOutcome }, fingerprint: string): IdempotentResult {
  if (stored.fingerprint !== fingerprint) throw duplicate(false)
  if (!stored.outcome.ok) throw EngineError.fromData(stored.outcome.error)
  return { output: stored.outcome.output, replayed: true }
}

function duplicate(sameRequest: boolean): EngineError {
  return sameRequest
    ? new EngineError('IDEMPOTENCY_IN_PROGRESS', 'a request with this Idempotency-Key is still running: retry shortly')
    : new EngineError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different request')
}

/**
 * A refusal that will not change on retry is kept (Stripe keeps those too); what a retry may well get past is not:
 * a malformed request, a race with another change, an unreachable wallet or disk, an unknown outcome.
 */
function isFinalAnswer(error: EngineError): boolean {
  const status = ERROR_STATUS[error.code]
  if (status === 400 || status >= 500) return false
  return !['CONCURRENT_UPDATE', 'RATE_LIMITED'].includes(error.code)
}

/** The operation and its input, with object keys in a fixed order: the same request always hashes the same. */
function fingerprintOf(operation: string, input: unknown): string {
  return createHash('sha256').update(operation).update('\n').update(stableJson(input, 0)).digest('hex')
}

/** Deeper than any operation's input: a request nested further is refused before it is hashed (or run). */
const MAX_DEPTH = 32

function stableJson(value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new EngineError('VALIDATION_FAILED', 'the request is nested too deeply')
  if (Array.isArray(value)) return `[${value.map((item) => stableJson(item, depth + 1)).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v, depth + 1)}`).join(',')}}`
  }
  if (typeof value === 'bigint' || typeof value === 'symbol' || typeof value === 'function') {
    throw new EngineError('VALIDATION_FAILED', `the request holds a ${typeof value}, which JSON cannot carry`)
  }
  return JSON.stringify(value) ?? 'null'
}
