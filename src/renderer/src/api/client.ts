import type { OperationInput, OperationName, OperationOutput } from '../../../shared/api/operations'
import type { EngineEvent } from '../../../shared/api/types'

/** How the console reaches the engine: Electron IPC in the desktop app, HTTP in a browser. */
export interface Transport {
  call(operation: OperationName, input: unknown): Promise<unknown>
  subscribe(listener: (event: EngineEvent) => void): () => void
}

export interface ApiClient {
  call<N extends OperationName>(operation: N, input: OperationInput<N>): Promise<OperationOutput<N>>
  subscribe(listener: (event: EngineEvent) => void): () => void
}

/** The one API client the stores use; it does not know which transport carries it. */
export function createApiClient(transport: Transport): ApiClient {
  return {
    call: (operation, input) => transport.call(operation, input) as never,
    subscribe: (listener) => transport.subscribe(listener),
  }
}
