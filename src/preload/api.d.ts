import type { EngineEvent } from '../shared/api/types'

/** What the preload exposes to the renderer as `window.hutong`. */
export interface HutongBridge {
  /** Runs an allow-listed engine operation. Resolves to `{ ok: true, data }` or `{ ok: false, error }`. */
  invoke(
    operation: string,
    input: unknown,
  ): Promise<{ ok: true; data: unknown } | { ok: false; error: { code: string; message: string; details?: unknown } }>
  /** Live engine events; returns an unsubscribe function. */
  onEvent(listener: (event: EngineEvent) => void): () => void
}

declare global {
  interface Window {
    hutong?: HutongBridge
  }
}
