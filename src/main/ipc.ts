import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { isOperationName } from '../shared/api/operations'
import { EngineError, toErrorData } from '../shared/errors'
import type { Engine } from '../engine'
import { isConsoleSender } from './security'

export const INVOKE_CHANNEL = 'hutong:invoke'
export const EVENT_CHANNEL = 'hutong:event'
export const DISPLAY_CHANNEL = 'hutong:display'

/** A window the console runs in, as far as IPC needs it. */
export interface ConsoleWindow {
  isDestroyed(): boolean
  webContents: Pick<WebContents, 'id' | 'send'>
}

export interface IpcOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>
  engine: Pick<Engine, 'invokeUntrusted' | 'invokeIdempotent' | 'subscribe' | 'subscribeDisplay'>
  /** The console's own page (app://console/index.html, or the dev server). */
  consoleUrl: () => string
  /** The console's windows: only their top frames may call, and they receive engine events. */
  windows: () => readonly ConsoleWindow[]
}

/** Serves the API contract over IPC, to the console's own frame only, and forwards engine events. */
export function registerIpc({ ipcMain, engine, consoleUrl, windows }: IpcOptions): () => void {
  const run = async (operation: string, input: unknown, idempotencyKey: unknown, session: unknown) => {
    if (session !== null && session !== undefined && typeof session !== 'string')
      throw new EngineError('SESSION_EXPIRED', 'the session is a string')
    // The console's own window, signed in or not; it never acts as the integrator token.
    const caller = { session: session ?? null, integration: false }
    if (idempotencyKey === null || idempotencyKey === undefined) return engine.invokeUntrusted(operation, input, caller)
    if (typeof idempotencyKey !== 'string')
      throw new EngineError('VALIDATION_FAILED', 'the idempotency key is a string')
    return (await engine.invokeIdempotent(idempotencyKey, operation, input, caller)).output
  }
  ipcMain.handle(
    INVOKE_CHANNEL,
    async (event: IpcMainInvokeEvent, operation: unknown, input: unknown, key: unknown, session: unknown) => {
      const contents = windows()
        .filter((window) => !window.isDestroyed())
        .map((window) => window.webContents)
      if (!isConsoleSender(event, consoleUrl(), contents)) {
        return { ok: false, error: { code: 'UNAUTHORIZED', message: 'IPC from an unknown frame' } }
      }
      if (!isOperationName(operation)) {
        return { ok: false, error: new EngineError('UNKNOWN_OPERATION', 'unknown operation').toData() }
      }
      try {
        return { ok: true, data: await run(operation, input, key, session) }
      } catch (error) {
        return { ok: false, error: toErrorData(error) }
      }
    },
  )
  const sendAll = (channel: string, message: unknown): void => {
    for (const window of windows()) {
      if (!window.isDestroyed()) window.webContents.send(channel, message)
    }
  }
  const unsubscribe = engine.subscribe((engineEvent) => sendAll(EVENT_CHANNEL, engineEvent))
  const unsubscribeDisplay = engine.subscribeDisplay((snapshot) => sendAll(DISPLAY_CHANNEL, snapshot))
  return () => {
    unsubscribe()
    unsubscribeDisplay()
    ipcMain.removeHandler(INVOKE_CHANNEL)
  }
}
