import { EngineError } from '../../../shared/errors'
import { createApiClient, type ApiClient, type Transport } from '../api/client'
import { createHttpTransport } from '../api/httpTransport'
import { createIpcTransport } from '../api/ipcTransport'
import { watchReachability } from './reachability'
import { resolveToken } from './tokenStorage'

export { connection } from './reachability'

export type ConnectionKind = 'ipc' | 'http'

export interface Connection {
  kind: ConnectionKind
  /** Null in a browser that has not been paired with the server yet. */
  api: ApiClient | null
}

/**
 * Answers after which the console must first ask again who it is: a browser's token the server no longer takes
 * (pair again), a staff session that ended (sign in again), or a demo PIN to replace before anything else.
 */
export type AccessLoss = 'UNAUTHORIZED' | 'SESSION_EXPIRED' | 'PIN_CHANGE_REQUIRED'

let current: Connection | null = null
const accessLossHandlers: Partial<Record<AccessLoss, () => void>> = {}

/** Runs once at start-up: the desktop window talks IPC, a browser talks HTTP with its token. */
export async function openConnection(): Promise<Connection> {
  if (window.hutong) {
    // The desktop window has no token to lose: only the staff session can end.
    const transport = guardAccess(createIpcTransport(window.hutong, window.hutongFiles), [
      'SESSION_EXPIRED',
      'PIN_CHANGE_REQUIRED',
    ])
    current = { kind: 'ipc', api: createApiClient(transport) }
  } else {
    const token = await resolveToken(serverAccepts)
    const transport = token
      ? guardAccess(httpTransport(token), ['UNAUTHORIZED', 'SESSION_EXPIRED', 'PIN_CHANGE_REQUIRED'])
      : null
    current = { kind: 'http', api: transport ? createApiClient(transport) : null }
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

/** Called whenever an answer says so, from whichever store made the call. */
export function onAccessLost(loss: AccessLoss, handler: () => void): void {
  accessLossHandlers[loss] = handler
}

/** A client for trying a token on the pairing screen, before it is remembered. */
export function createProbeClient(token: string): ApiClient {
  return createApiClient(httpTransport(token))
}

let watchedFetch: typeof fetch | null = null

/** Every request of a browser till goes through one fetch that notices when the server cannot be reached. */
function httpTransport(token: string): Transport {
  const baseUrl = window.location.origin
  watchedFetch ??= watchReachability(globalThis.fetch.bind(globalThis), `${baseUrl}/api/health`)
  return createHttpTransport({ baseUrl, token, fetch: watchedFetch })
}

function guardAccess(transport: Transport, watched: readonly AccessLoss[]): Transport {
  const guarded = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run()
    } catch (error) {
      if (error instanceof EngineError && (watched as readonly string[]).includes(error.code))
        accessLossHandlers[error.code as AccessLoss]?.()
      throw error
    }
  }
  const { exportFile } = transport
  return {
    call: (operation, input, options) => guarded(() => transport.call(operation, input, options)),
    ...(exportFile
      ? { exportFile: (operation, input, options) => guarded(() => exportFile(operation, input, options)) }
      : {}),
    subscribe: (listener) => transport.subscribe(listener),
    subscribeDisplay: (tillId, listener) => transport.subscribeDisplay(tillId, listener),
  }
}

/** The client for stores; an unpaired browser has none and is sent to the pairing screen. */
export function requireApi(): ApiClient {
  const api = getConnection().api
  if (!api) throw new EngineError('UNAUTHORIZED', 'this console is not paired')
  return api
}
