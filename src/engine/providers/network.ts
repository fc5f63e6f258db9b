/** Why a gateway could not be reached, in a few words a merchant can act on (from fetch's error cause). */
export function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause
  const code = typeof cause?.code === 'string' ? cause.code : null
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host name not found'
  if (code === 'ECONNREFUSED') return 'connection refused'
  if (code === 'ECONNRESET') return 'connection reset'
  if (code && code.startsWith('ERR_TLS')) return 'TLS error'
  if (code && /CERT|SSL/.test(code)) return 'TLS certificate error'
  return code ?? 'network error'
}

/** Whether fetch gave up because its deadline passed (AbortSignal.timeout). */
export function isTimeout(error: unknown): boolean {
  const name = (error as { name?: unknown }).name
  return name === 'TimeoutError' || name === 'AbortError'
}

/** A gateway call that got no answer: the outcome is unknown after a timeout, nothing happened if unreachable. */
export class TransportError extends Error {
  constructor(
    readonly kind: 'timeout' | 'unreachable',
    message: string,
  ) {
    super(message)
    this.name = 'TransportError'
  }
}
