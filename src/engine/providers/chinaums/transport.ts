import { isTimeout, networkReason, TransportError } from '../network'

export interface RawResponse {
  status: number
  /** The gateway's HTTP Date header in ms, for telling our clock's skew apart from a wrong key. */
  date: number | null
  body: Buffer
}

export { TransportError }

/** China UMS answers are small JSON documents; anything larger is not an answer we expect. */
const MAX_RESPONSE_BYTES = 1024 * 1024

/**
 * One POST with a hard deadline covering connect, send and the whole answer. A timed-out request may still
 * have been executed by the gateway: callers treat it as an unknown outcome. Redirects are refused.
 */
export async function post(
  url: URL,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<RawResponse> {
  const signal = AbortSignal.timeout(timeoutMs)
  let response: Response
  try {
    response = await fetch(url, { method: 'POST', headers, body, signal, redirect: 'error' })
  } catch (error) {
    throw toTransportError(error, timeoutMs)
  }
  let bytes: ArrayBuffer
  try {
    bytes = await response.arrayBuffer()
  } catch (error) {
    throw toTransportError(error, timeoutMs)
  }
  if (bytes.byteLength > MAX_RESPONSE_BYTES) throw new TransportError('unreachable', 'the answer is too large')
  const date = Date.parse(response.headers.get('date') ?? '')
  return { status: response.status, date: Number.isFinite(date) ? date : null, body: Buffer.from(bytes) }
}

function toTransportError(error: unknown, timeoutMs: number): TransportError {
  if (isTimeout(error)) {
    return new TransportError('timeout', `no answer within ${timeoutMs} ms`)
  }
  return new TransportError('unreachable', `connection failed (${networkReason(error)})`)
}
