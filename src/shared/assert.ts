/** A broken invariant: a bug in our code, never a user's mistake (those are EngineErrors with codes). */
export class InvariantError extends Error {
  override name = 'InvariantError'
}

/** Fails loudly when something the code relies on does not hold, instead of a `!` that hides it. */
export function strictAssert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message)
}

/** The value, which the caller knows to be there; throws an InvariantError naming `what` when it is not. */
export function present<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new InvariantError(`${what} is missing`)
  return value
}
