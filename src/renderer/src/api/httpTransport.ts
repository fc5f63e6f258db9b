import { buildHttpRequest, operations } from '../../../shared/api/operations'
import type { EngineEvent } from '../../../shared/api/types'
import { EngineError, isErrorData } from '../../../shared/errors'
import type { Transport } from './client'
import type { DisplaySnapshot } from '../../../shared/display'

export interface HttpTransportOptions {
  baseUrl: string
  token: string
  fetch?: typeof fetch
}

/** The console in a browser (second till, headless mode): the integrator API plus server-sent events. */
export function createHttpTransport(options: HttpTransportOptions): Transport {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis)
  const headers = { Authorization: `Bearer ${options.token}` }

  async function call(...[operation, input, callOptions]: Parameters<Transport['call']>): Promise<unknown> {
    const { method, path, rest } = buildHttpRequest(operation, (input ?? {}) as Record<string, unknown>)
    let url = options.baseUrl + path
    const sessionHeader: Record<string, string> = callOptions?.session
      ? { 'X-Hutong-Session': callOptions.session }
      : {}
    const init: RequestInit = { method, headers: { ...headers, ...sessionHeader } }
    const file = rawFile(operation, rest)
    if (method === 'GET' || file) {
      const query = new URLSearchParams()
      for (const [key, value] of Object.entries(rest)) if (value !== undefined) query.set(key, String(value))
      const qs = query.toString()
      if (qs) url += `?${qs}`
    }
    if (file) {
      init.body = file.body
      init.headers = { ...headers, ...sessionHeader, 'Content-Type': file.type }
    } else if (method !== 'GET') {
      init.body = JSON.stringify(rest)
      init.headers = {
        ...headers,
        ...sessionHeader,
        'Content-Type': 'application/json',
        ...(callOptions?.idempotencyKey ? { 'Idempotency-Key': callOptions.idempotencyKey } : {}),
      }
    }
    let response: Response
    try {
      response = await doFetch(url, init)
    } catch {
      throw new EngineError('INTERNAL', 'The checkout server cannot be reached')
    }
    const body = (await response.json().catch(() => null)) as { error?: unknown } | null
    if (response.ok) return body
    const error = body?.error
    throw EngineError.fromData(isErrorData(error) ? error : { code: 'INTERNAL', message: `HTTP ${response.status}` })
  }

  /** Reads a server-sent event stream, reconnecting a second after it ends or fails. */
  function stream(path: () => string, extraHeaders: () => Record<string, string>, onData: (data: string) => void) {
    let stopped = false
    let controller: AbortController | null = null
    async function connect(): Promise<void> {
      while (!stopped) {
        controller = new AbortController()
        try {
          const response = await doFetch(options.baseUrl + path(), {
            headers: { ...headers, ...extraHeaders() },
            signal: controller.signal,
          })
          if (!response.ok || !response.body) throw new Error(`events: HTTP ${response.status}`)
          await readEventStream(response.body, onData)
        } catch {
          // Reconnect below (the engine's stream replays what was missed from Last-Event-ID).
        }
        if (!stopped) await new Promise((resolve) => setTimeout(resolve, 1000))
      }
    }
    void connect()
    return () => {
      stopped = true
      controller?.abort()
    }
  }

  function subscribe(listener: (event: EngineEvent) => void): () => void {
    let lastSeq: number | null = null
    return stream(
      () => '/api/events',
      (): Record<string, string> => (lastSeq === null ? {} : { 'Last-Event-ID': String(lastSeq) }),
      (data) => {
        const event = JSON.parse(data) as EngineEvent
        lastSeq = event.seq
        listener(event)
      },
    )
  }

  function subscribeDisplay(tillId: string, listener: (snapshot: DisplaySnapshot) => void): () => void {
    const path = `/api/display/events?tillId=${encodeURIComponent(tillId)}`
    return stream(
      () => path,
      () => ({}),
      (data) => listener(JSON.parse(data) as DisplaySnapshot),
    )
  }

  /** Checks the export (a JSON answer), then fetches the file it names with the same headers. */
  async function exportFile(...[operation, input, callOptions]: Parameters<NonNullable<Transport['exportFile']>>) {
    const file = (await call(operation, input, callOptions)) as { fileName: string; path: string }
    const sessionHeader: Record<string, string> = callOptions?.session
      ? { 'X-Hutong-Session': callOptions.session }
      : {}
    let response: Response
    try {
      response = await doFetch(options.baseUrl + file.path, { headers: { ...headers, ...sessionHeader } })
    } catch {
      throw new EngineError('INTERNAL', 'The checkout server cannot be reached')
    }
    if (!response.ok) {
      const error = ((await response.json().catch(() => null)) as { error?: unknown } | null)?.error
      throw EngineError.fromData(isErrorData(error) ? error : { code: 'INTERNAL', message: `HTTP ${response.status}` })
    }
    return { kind: 'blob' as const, fileName: file.fileName, blob: await response.blob() }
  }

  return { call, subscribe, subscribeDisplay, exportFile }
}

async function readEventStream(stream: ReadableStream<Uint8Array>, onData: (data: string) => void): Promise<void> {
  const reader = stream.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    buffer += decoder.decode(value, { stream: true })
    let boundary: number
    while ((boundary = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, boundary)
      buffer = buffer.slice(boundary + 2)
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n')
      if (data) onData(data)
    }
  }
}

/**
 * A file in `fileBase64` for an operation that takes one as the body: sent as the body itself, the other fields in
 * the query (a JSON body is capped at 64 KB; a file streams to disk). A ZIP starts with "PK".
 */
function rawFile(
  operation: Parameters<Transport['call']>[0],
  rest: Record<string, unknown>,
): { body: Uint8Array<ArrayBuffer>; type: string } | null {
  const http = operations[operation].http
  const base64 = rest.fileBase64
  if (!('rawBody' in http) || typeof base64 !== 'string') return null
  delete rest.fileBase64
  const binary = atob(base64)
  const body = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i += 1) body[i] = binary.charCodeAt(i)
  const zip = body[0] === 0x50 && body[1] === 0x4b
  return { body, type: zip ? 'application/zip' : 'text/csv' }
}
