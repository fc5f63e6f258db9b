import type { BrowserWindow, BrowserWindowConstructorOptions, IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { isConsoleSender } from './security'

export const PRINTERS_CHANNEL = 'hutong:print:printers'
export const PRINT_CHANNEL = 'hutong:print:receipt'

/** A receipt is a few kilobytes; anything near this is not one. */
const MAX_HTML_CHARS = 512 * 1024
const PAPER_WIDTHS_MM = [58, 80] as const
/** Chromium refuses pages shorter than this; a receipt is always longer. */
const MIN_HEIGHT_MM = 40
const MAX_HEIGHT_MM = 5000

export interface PrinterSummary {
  name: string
  displayName: string
}

/** What the console asks to print: a whole receipt page, the paper it goes on and how. */
export interface ReceiptPrintJob {
  html: string
  widthMm: (typeof PAPER_WIDTHS_MM)[number]
  heightMm: number
  deviceName: string | null
  silent: boolean
}

export type PrintOutcome = { ok: true } | { ok: false; reason: string }

/** Checks a job from the renderer field by field; null for anything that is not a receipt job. */
export function parsePrintJob(input: unknown): ReceiptPrintJob | null {
  if (typeof input !== 'object' || input === null) return null
  const job = input as Record<string, unknown>
  const { html, widthMm, heightMm, deviceName, silent } = job
  if (typeof html !== 'string' || html.length === 0 || html.length > MAX_HTML_CHARS) return null
  if (!PAPER_WIDTHS_MM.includes(widthMm as 58)) return null
  if (typeof heightMm !== 'number' || !Number.isFinite(heightMm) || heightMm <= 0 || heightMm > MAX_HEIGHT_MM)
    return null
  if (deviceName !== null && (typeof deviceName !== 'string' || deviceName.length > 256)) return null
  if (typeof silent !== 'boolean') return null
  return {
    html,
    widthMm: widthMm as 58 | 80,
    heightMm: Math.max(MIN_HEIGHT_MM, Math.ceil(heightMm)),
    deviceName,
    silent,
  }
}

/** The hidden window a receipt is printed from: no preload, no scripts, nothing but the page. */
export function printWindowOptions(): BrowserWindowConstructorOptions {
  return {
    show: false,
    width: 400,
    height: 800,
    webPreferences: {
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      javascript: false,
      webSecurity: true,
      spellcheck: false,
    },
  }
}

/** Electron's print options for a job: the paper's size in microns, no margins, the chosen printer. */
export function printOptions(job: ReceiptPrintJob): Electron.WebContentsPrintOptions {
  return {
    silent: job.silent,
    printBackground: true,
    ...(job.deviceName ? { deviceName: job.deviceName } : {}),
    margins: { marginType: 'none' },
    pageSize: { width: job.widthMm * 1000, height: job.heightMm * 1000 },
  }
}

/** Loads the receipt in a hidden window, prints it, and closes the window whatever happens. */
export async function printInHiddenWindow(
  Window: new (options: BrowserWindowConstructorOptions) => BrowserWindow,
  job: ReceiptPrintJob,
): Promise<PrintOutcome> {
  const window = new Window(printWindowOptions())
  try {
    await window.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(job.html)}`)
    return await new Promise<PrintOutcome>((resolve) => {
      window.webContents.print(printOptions(job), (success, reason) =>
        resolve(success ? { ok: true } : { ok: false, reason: reason || 'failed' }),
      )
    })
  } finally {
    window.destroy()
  }
}

export interface PrintingOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>
  Window: new (options: BrowserWindowConstructorOptions) => BrowserWindow
  consoleUrl: () => string
  /** The console's windows: only their top frames may list printers or print. */
  windows: () => readonly Pick<BrowserWindow, 'isDestroyed' | 'webContents'>[]
}

/** Printers and receipt printing over IPC, for the console's own frames only. */
export function registerPrinting({ ipcMain, Window, consoleUrl, windows }: PrintingOptions): () => void {
  const fromConsole = (event: IpcMainInvokeEvent): boolean => {
    const contents: WebContents[] = windows()
      .filter((w) => !w.isDestroyed())
      .map((w) => w.webContents)
    return isConsoleSender(event, consoleUrl(), contents)
  }
  ipcMain.handle(PRINTERS_CHANNEL, async (event): Promise<PrinterSummary[]> => {
    if (!fromConsole(event)) return []
    const printers = await event.sender.getPrintersAsync()
    return printers.map((p) => ({ name: p.name, displayName: p.displayName || p.name }))
  })
  ipcMain.handle(PRINT_CHANNEL, async (event, input: unknown): Promise<PrintOutcome> => {
    if (!fromConsole(event)) return { ok: false, reason: 'unknown frame' }
    const job = parsePrintJob(input)
    if (!job) return { ok: false, reason: 'not a receipt' }
    try {
      return await printInHiddenWindow(Window, job)
    } catch (error) {
      console.error(`[print] the receipt could not be printed: ${String(error)}`)
      return { ok: false, reason: error instanceof Error ? error.message : String(error) }
    }
  })
  return () => {
    ipcMain.removeHandler(PRINTERS_CHANNEL)
    ipcMain.removeHandler(PRINT_CHANNEL)
  }
}
