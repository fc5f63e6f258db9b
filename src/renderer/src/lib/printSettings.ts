import { isPaperWidth, type PaperWidth } from './receiptModel'

/** How this device prints receipts (kept on the device: each till has its own printer). */
export interface PrintSettings {
  /** The printer's system name; null: the system's default printer. */
  printer: string | null
  paper: PaperWidth
  /** Print without the print dialog (the desktop app only; a browser always asks). */
  silent: boolean
  /** Print the receipt as soon as one of this till's orders is paid. */
  autoPrint: boolean
}

export const DEFAULT_PRINT_SETTINGS: PrintSettings = { printer: null, paper: 80, silent: true, autoPrint: false }

/** Settings as stored; anything unreadable falls back to the default, field by field. */
export function parsePrintSettings(raw: string | null): PrintSettings {
  let stored: Record<string, unknown> = {}
  try {
    const parsed: unknown = raw ? JSON.parse(raw) : {}
    if (typeof parsed === 'object' && parsed !== null) stored = parsed as Record<string, unknown>
  } catch {
    // A damaged entry: the defaults stand in, and the next save replaces it.
  }
  const d = DEFAULT_PRINT_SETTINGS
  return {
    printer: typeof stored.printer === 'string' && stored.printer !== '' ? stored.printer : d.printer,
    paper: isPaperWidth(stored.paper) ? stored.paper : d.paper,
    silent: typeof stored.silent === 'boolean' ? stored.silent : d.silent,
    autoPrint: typeof stored.autoPrint === 'boolean' ? stored.autoPrint : d.autoPrint,
  }
}

/** How many payments the auto-print memory keeps (a busy day's worth). */
export const PRINTED_MEMORY = 500

/**
 * Whether a payment still needs its automatic receipt, and the memory after printing it: each payment prints
 * once, even when the paid event arrives again (a reconnect replays it) or the console is reloaded.
 */
export function claimAutoPrint(printed: readonly string[], paymentKey: string): string[] | null {
  if (printed.includes(paymentKey)) return null
  return [...printed, paymentKey].slice(-PRINTED_MEMORY)
}
