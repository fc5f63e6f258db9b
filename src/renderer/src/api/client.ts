import type { OperationInput, OperationName, OperationOutput } from '../../../shared/api/operations'
import type { EngineEvent } from '../../../shared/api/types'
import type { DisplaySnapshot } from '../../../shared/display'
import type { ExportOperation } from '../../../shared/api/exportSchemas'
import { createIntentKeys } from '../lib/intentKeys'
import { EngineError } from '../../../shared/errors'

export interface CallOptions {
  /** Sent as the Idempotency-Key: the server carries out one request per key (see lib/intentKeys). */
  idempotencyKey?: string
  /** The signed-in staff member's session (HTTP: the X-Hutong-Session header). */
  session?: string | null
}

/** How the console reaches the engine: Electron IPC in the desktop app, HTTP in a browser. */
export interface Transport {
  call(operation: OperationName, input: unknown, options?: CallOptions): Promise<unknown>
  subscribe(listener: (event: EngineEvent) => void): () => void
  /** A till's customer-display state: the current one at once, then each change. */
  subscribeDisplay(tillId: string, listener: (snapshot: DisplaySnapshot) => void): () => void
  /** An export file (checked by the engine first); a transport without files has none. */
  exportFile?(operation: ExportOperation, input: unknown, options?: CallOptions): Promise<ExportOutcome>
}

/**
 * What became of an export: its bytes for the page to save (a browser), written where the user chose (the desktop
 * app), or not saved (the save dialog was cancelled).
 */
export type ExportOutcome =
  { kind: 'blob'; fileName: string; blob: Blob } | { kind: 'saved'; fileName: string } | { kind: 'cancelled' }

export interface ApiClient {
  call<N extends OperationName>(operation: N, input: OperationInput<N>): Promise<OperationOutput<N>>
  /**
   * For the actions that create or charge (收款, a payment, a refund): the same action asked again before it had a
   * settled answer — a double click, a retry after a lost answer — goes with the same idempotency key, so it is
   * carried out once.
   */
  callOnce<N extends OperationName>(operation: N, input: OperationInput<N>): Promise<OperationOutput<N>>
  subscribe(listener: (event: EngineEvent) => void): () => void
  subscribeDisplay(tillId: string, listener: (snapshot: DisplaySnapshot) => void): () => void
  /** Every call from now on acts as this staff session (null: signed out). */
  setSession(token: string | null): void
  exportFile(operation: ExportOperation, input: object): Promise<ExportOutcome>
}

/** The one API client the stores use; it does not know which transport carries it. */
export function createApiClient(transport: Transport): ApiClient {
  const intents = createIntentKeys()
  let session: string | null = null
  return {
    call: (operation, input) => transport.call(operation, input, { session }) as never,
    callOnce: (operation, input) =>
      intents.run(`${operation} ${JSON.stringify(input)}`, (idempotencyKey) =>
        transport.call(operation, input, { idempotencyKey, session }),
      ) as never,
    subscribe: (listener) => transport.subscribe(listener),
    subscribeDisplay: (tillId, listener) => transport.subscribeDisplay(tillId, listener),
    setSession: (token) => {
      session = token
    },
    exportFile: (operation, input) => {
      if (!transport.exportFile) throw new EngineError('INTERNAL', 'this console cannot save files')
      return transport.exportFile(operation, input, { session })
    },
  }
}
