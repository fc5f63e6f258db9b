import { createWriteStream } from 'node:fs'
import { pipeline } from 'node:stream/promises'
import type { BrowserWindow, Dialog, IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import type { Engine } from '../engine'
import { isExportOperation } from '../shared/api/exportSchemas'
import { EngineError, toErrorData } from '../shared/errors'
import { isConsoleSender } from './security'

export const SAVE_EXPORT_CHANNEL = 'hutong:export:save'

export interface ExportSavingOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>
  engine: Pick<Engine, 'openExport'>
  dialog: Pick<Dialog, 'showSaveDialog'>
  consoleUrl: () => string
  windows: () => readonly Pick<BrowserWindow, 'isDestroyed' | 'webContents'>[]
}

/**
 * Export files in the desktop app: checked by the engine for the console's signed-in member, then streamed
 * straight into the file the user picks — the rows never cross IPC.
 */
export function registerExportSaving(options: ExportSavingOptions): () => void {
  const { ipcMain, engine, dialog, consoleUrl, windows } = options
  ipcMain.handle(
    SAVE_EXPORT_CHANNEL,
    async (event: IpcMainInvokeEvent, operation: unknown, input: unknown, session: unknown) => {
      const contents: WebContents[] = windows()
        .filter((w) => !w.isDestroyed())
        .map((w) => w.webContents)
      if (!isConsoleSender(event, consoleUrl(), contents)) {
        return { ok: false, error: { code: 'UNAUTHORIZED', message: 'IPC from an unknown frame' } }
      }
      try {
        if (!isExportOperation(operation)) throw new EngineError('UNKNOWN_OPERATION', 'not an export')
        if (session !== null && typeof session !== 'string')
          throw new EngineError('SESSION_EXPIRED', 'the session is a string')
        const file = await engine.openExport(operation, input, { session, integration: false })
        const choice = await dialog.showSaveDialog({ defaultPath: file.fileName })
        if (choice.canceled || !choice.filePath) {
          file.body.destroy()
          return { ok: true, data: { saved: false, fileName: file.fileName } }
        }
        await pipeline(file.body, createWriteStream(choice.filePath))
        return { ok: true, data: { saved: true, fileName: file.fileName } }
      } catch (error) {
        if (!(error instanceof EngineError)) console.error(`[export] the file could not be saved: ${String(error)}`)
        return { ok: false, error: toErrorData(error) }
      }
    },
  )
  return () => ipcMain.removeHandler(SAVE_EXPORT_CHANNEL)
}
