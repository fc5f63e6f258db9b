import { EngineError } from '../../../shared/errors'
import { createApiClient, type ApiClient, type Transport } from '../api/client'
import { createHttpTransport } from '../api/httpTransport'
import { createIpcTransport } from '../api/ipcTransport'
import { resolveToken } from './tokenStorage'

export type ConnectionKind = 'ipc' | 'http'

export interface Connection {
  kind: ConnectionKind
  /** Null in a browser that has not been paired with the server yet. */
  api: ApiClient | null
}

let current: Connection | null = null
let unauthorizedHandler: () => void = () => undefined

/** Runs once at start-up: the desktop window talks IPC, a browser talks HTTP with its token. */
export async function openConnection(): Promise<Connection> {
  if (window.hutong) {
    current = { kind: 'ipc', api: createApiClient(createIpcTransport(window.hutong)) }
  } else {
    const token = await resolveToken(serverAccepts)
    current = { kind: 'http', api: token ? createApiClient(guardUnauthorized(httpTransport(token))) : null }
  }
  return current
}

/** Whether the server takes a token: 'unknown' when it cannot be asked (offline, or failing). */
async function serverAccepts(token: string): Promise<'yes' | 'no' | 'unknown'> {
  try {
    await createProbeClient(token).call('store.get', {})
    return 'yes'
  } catch (error) {
    return error instanceof EngineError && error.code === 'UNAUTHORIZED' ? 'no' : 'unknown'
  }
}

export function getConnection(): Connection {
  if (!current) throw new Error('openConnection() has not run')
  return current
}

/** Called when the server rejects our token. */
export function onUnauthorized(handler: () => void): void {
  unauthorizedHandler = handler
}

/** A client for trying a token on the pairing screen, before it is remembered. */
export function createProbeClient(token: string): ApiClient {
  return createApiClient(httpTransport(token))
}

function httpTransport(token: string): Transport {
  return createHttpTransport({ baseUrl: window.location.origin, token })
}

function guardUnauthorized(transport: Transport): Transport {
  return {
    async call(operation, input) {
      try {
        return await transport.call(operation, input)
      } catch (error) {
        if (error instanceof EngineError && error.code === 'UNAUTHORIZED') unauthorizedHandler()
        throw error
      }
    },
    subscribe: (listener) => transport.subscribe(listener),
  }
}

/** The client for stores; an unpaired browser has none and is sent to the pairing screen. */
export function requireApi(): ApiClient {
  const api = getConnection().api
  if (!api) throw new EngineError('UNAUTHORIZED', 'this console is not paired')
  return api
}
