import type { EngineEvent } from '../shared/api/types'
import type { DisplaySnapshot } from '../shared/display'

/** What the preload exposes to the renderer as `window.hutong`. */
export interface HutongBridge {
  /**
   * Runs an allow-listed engine operation, under an idempotency key when one is given, for the signed-in staff
   * session when there is one. Resolves to `{ ok: true, data }` or `{ ok: false, error }`.
   */
  invoke(
    operation: string,
    input: unknown,
    idempotencyKey?: string,
    session?: string | null,
  ): Promise<{ ok: true; data: unknown } | { ok: false; error: { code: string; message: string; details?: unknown } }>
  /** Live engine events; returns an unsubscribe function. */
  onEvent(listener: (event: EngineEvent) => void): () => void
  /** Every till's customer-display state as it changes; returns an unsubscribe function. */
  onDisplay(listener: (snapshot: DisplaySnapshot) => void): () => void
}

/** A printer the desktop app can print receipts on. */
export interface PrinterSummary {
  name: string
  displayName: string
}

/** A receipt page to print: its paper (width and length in millimetres), the printer, with or without a dialog. */
export interface ReceiptPrintJob {
  html: string
  widthMm: 58 | 80
  heightMm: number
  deviceName: string | null
  silent: boolean
}

/** What the preload exposes as `window.hutongPrint`: receipt printing, in the desktop app only. */
export interface PrintBridge {
  printers(): Promise<PrinterSummary[]>
  print(job: ReceiptPrintJob): Promise<{ ok: true } | { ok: false; reason: string }>
}

/**
 * What the preload exposes as `window.hutongFiles`: export files the desktop app checks with the engine, asks where
 * to keep, and writes there. Resolves like `invoke`; `saved: false` when the save dialog was cancelled.
 */
export interface FilesBridge {
  saveExport(
    operation: 'exports.describe' | 'exports.describeDay',
    input: unknown,
    session: string | null,
  ): Promise<
    | { ok: true; data: { saved: boolean; fileName: string } }
    | { ok: false; error: { code: string; message: string; details?: unknown } }
  >
}

declare global {
  interface Window {
    hutong?: HutongBridge
    hutongPrint?: PrintBridge
    hutongFiles?: FilesBridge
  }
}
