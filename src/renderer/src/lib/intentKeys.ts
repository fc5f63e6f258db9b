import { EngineError } from '../../../shared/errors'

/**
 * Answers after which asking again would not repeat the action (it succeeded, or was refused for good): the key
 * is dropped. Anything else — the server unreachable, still running, busy, or failing — may have done the action
 * or may not: the next ask goes with the same key, so the server carries it out at most once.
 */
const UNSETTLED_CODES = new Set([
  'INTERNAL',
  'IDEMPOTENCY_IN_PROGRESS',
  'CONCURRENT_UPDATE',
  'RATE_LIMITED',
  'REQUEST_TIMEOUT',
  'STORAGE_FAILED',
  'PROVIDER_ERROR',
  'PAYMENT_OUTCOME_UNKNOWN',
  'SECRETS_UNAVAILABLE',
])

function isSettled(error: unknown): boolean {
  return error instanceof EngineError && !UNSETTLED_CODES.has(error.code)
}

/** 128 random bits as hex; works outside secure contexts too (a till on http://192.168.…), unlike randomUUID. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return `con-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`
}

/**
 * One idempotency key per action the cashier asked for (an operation and its input): a double click or a retry
 * after a lost answer sends the same key, so the server creates or charges once; once the action has a settled
 * answer, the same action asked again is a new one.
 */
export function createIntentKeys(newKey: () => string = newIdempotencyKey) {
  const open = new Map<string, string>()
  return {
    async run<T>(intent: string, call: (key: string) => Promise<T>): Promise<T> {
      let key = open.get(intent)
      if (key === undefined) open.set(intent, (key = newKey()))
      try {
        const result = await call(key)
        open.delete(intent)
        return result
      } catch (error) {
        if (isSettled(error)) open.delete(intent)
        throw error
      }
    },
    /** Actions still waiting for a settled answer (for tests and diagnostics). */
    pending: () => open.size,
  }
}
