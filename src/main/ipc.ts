import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import { isOperationName } from '../shared/api/operations'
import { EngineError, toErrorData } from '../shared/errors'
import type { Engine } from '../engine'
import { isConsoleUrl } from './security'

/** Serves the API contract over IPC, to the console's own frame only, and forwards engine events. */
export function registerIpc(engine: Engine, consoleUrl: () => string, windows: () => BrowserWindow[]): () => void {
  ipcMain.handle('hutong:invoke', async (event: IpcMainInvokeEvent, operation: unknown, input: unknown) => {
    const frameUrl = event.senderFrame?.url ?? ''
    if (!isConsoleUrl(frameUrl, consoleUrl())) {
      return { ok: false, error: { code: 'UNAUTHORIZED', message: 'IPC from an unknown frame' } }
    }
    if (!isOperationName(operation)) {
      return { ok: false, error: new EngineError('UNKNOWN_OPERATION', 'unknown operation').toData() }
    }
    try {
      return { ok: true, data: await engine.invokeUntrusted(operation, input) }
    } catch (error) {
      return { ok: false, error: toErrorData(error) }
    }
  })
  const unsubscribe = engine.subscribe((engineEvent) => {
    for (const window of windows()) {
      if (!window.isDestroyed()) window.webContents.send('hutong:event', engineEvent)
    }
  })
  return () => {
    unsubscribe()
    ipcMain.removeHandler('hutong:invoke')
  }
}
