import http from 'node:http'
import https from 'node:https'
import { TransportError } from '../network'

export interface RawResponse {
  status: number
  headers: http.IncomingHttpHeaders
  body: Buffer
}

export { TransportError }

/** WeChat Pay answers are small JSON documents; anything larger is not an answer we expect. */
const MAX_RESPONSE_BYTES = 1024 * 1024

/**
 * One HTTP exchange with a hard deadline covering connect, send and the whole answer. A timed-out request
 * may still have been executed by the gateway: callers treat it as an unknown outcome.
 */
export function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | null,
  timeoutMs: number,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : null
    if (!client) {
      reject(new TransportError('unreachable', `unsupported protocol ${url.protocol}`))
      return
    }
    const payload = body === null ? null : Buffer.from(body, 'utf8')
    let settled = false
    const finish = (error: Error | null, response?: RawResponse): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (error) reject(error)
      else resolve(response!)
    }
    const request = client.request(
      url,
      {
        method,
        headers: payload ? { ...headers, 'Content-Length': String(payload.length) } : headers,
      },
      (response) => {
        const chunks: Buffer[] = []
        let size = 0
        response.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > MAX_RESPONSE_BYTES) {
            request.destroy()
            finish(new TransportError('unreachable', 'the answer is too large'))
            return
          }
          chunks.push(chunk)
        })
        response.on('end', () =>
          finish(null, { status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
        )
        response.on('error', () =>
          finish(new TransportError('unreachable', 'the connection broke while reading the answer')),
        )
      },
    )
    const timer = setTimeout(() => {
      finish(new TransportError('timeout', `no answer within ${timeoutMs} ms`))
      request.destroy()
    }, timeoutMs)
    request.on('error', (error: NodeJS.ErrnoException) => {
      finish(new TransportError('unreachable', error.code ? `connection failed (${error.code})` : 'connection failed'))
    })
    if (payload) request.write(payload)
    request.end()
  })
}
