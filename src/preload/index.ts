import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { isOperationName } from '../shared/api/operationNames'
import type { EngineEvent } from '../shared/api/types'
import type { DisplaySnapshot } from '../shared/display'
import type { FilesBridge, HutongBridge, PrintBridge } from './api'

/** The renderer's only door to the engine: allow-listed operations and the live event stream. */
const bridge: HutongBridge = {
  invoke(operation, input, idempotencyKey, session) {
    if (!isOperationName(operation)) {
      return Promise.resolve({
        ok: false,
        error: { code: 'UNKNOWN_OPERATION', message: `unknown operation ${String(operation)}` },
      })
    }
    return ipcRenderer.invoke('hutong:invoke', operation, input, idempotencyKey ?? null, session ?? null)
  },
  onEvent(listener) {
    const handler = (_event: IpcRendererEvent, engineEvent: EngineEvent): void => listener(engineEvent)
    ipcRenderer.on('hutong:event', handler)
    return () => {
      ipcRenderer.removeListener('hutong:event', handler)
    }
  },
  onDisplay(listener) {
    const handler = (_event: IpcRendererEvent, snapshot: DisplaySnapshot): void => listener(snapshot)
    ipcRenderer.on('hutong:display', handler)
    return () => {
      ipcRenderer.removeListener('hutong:display', handler)
    }
  },
}

contextBridge.exposeInMainWorld('hutong', bridge)

/** Receipt printing through the main process (a hidden window, the printer chosen in the settings). */
const printBridge: PrintBridge = {
  printers: () => ipcRenderer.invoke('hutong:print:printers'),
  print: (job) => ipcRenderer.invoke('hutong:print:receipt', job),
}

contextBridge.exposeInMainWorld('hutongPrint', printBridge)

/** Export files written by the main process where the user chooses. */
const filesBridge: FilesBridge = {
  saveExport: (operation, input, session) => ipcRenderer.invoke('hutong:export:save', operation, input, session),
}

contextBridge.exposeInMainWorld('hutongFiles', filesBridge)
