import type { IpcMain } from 'electron'
import { describe, expect, it, vi } from 'vitest'
import { CONSOLE_ENTRY_URL } from '../../../src/main/consoleProtocol'
import { DISPLAY_CHANNEL, EVENT_CHANNEL, INVOKE_CHANNEL, registerIpc, type ConsoleWindow } from '../../../src/main/ipc'
import { EngineError } from '../../../src/shared/errors'
import type { EngineEvent } from '../../../src/shared/api/types'
import type { DisplaySnapshot } from '../../../src/shared/display'
import type { Engine } from '../../../src/engine'

type Handler = (event: unknown, ...args: unknown[]) => Promise<unknown>

function setup(consoleUrl = CONSOLE_ENTRY_URL) {
  const handlers = new Map<string, Handler>()
  const ipcMain = {
    handle: (channel: string, handler: Handler) => handlers.set(channel, handler),
    removeHandler: (channel: string) => handlers.delete(channel),
  }
  const listeners = new Set<(event: EngineEvent) => void>()
  const displayListeners = new Set<(snapshot: DisplaySnapshot) => void>()
  const engine = {
    invokeUntrusted: vi.fn(async (operation: string, input: unknown) => {
      if (operation === 'orders.get') throw new EngineError('NOT_FOUND', 'no such order')
      return { operation, input }
    }),
    invokeIdempotent: vi.fn(async (key: string, operation: string, input: unknown) => ({
      output: { key, operation, input },
      replayed: false,
    })),
    subscribe: (listener: (event: EngineEvent) => void) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    subscribeDisplay: (listener: (snapshot: DisplaySnapshot) => void) => {
      displayListeners.add(listener)
      return () => displayListeners.delete(listener)
    },
  }
  const consoleWindow = { isDestroyed: () => false, webContents: { id: 1, send: vi.fn() } }
  const closedWindow = { isDestroyed: () => true, webContents: { id: 2, send: vi.fn() } }
  const windows: ConsoleWindow[] = [consoleWindow, closedWindow] as unknown as ConsoleWindow[]
  const unregister = registerIpc({
    ipcMain: ipcMain as unknown as IpcMain,
    engine: engine as unknown as Engine,
    consoleUrl: () => consoleUrl,
    windows: () => windows,
  })
  const topFrame = { url: `${consoleUrl}#/checkout`, parent: null }
  const invoke = (
    operation: unknown,
    input: unknown,
    frame: unknown = topFrame,
    sender: unknown = consoleWindow.webContents,
    idempotencyKey: unknown = null,
  ) => handlers.get(INVOKE_CHANNEL)!({ sender, senderFrame: frame }, operation, input, idempotencyKey)
  return { handlers, engine, listeners, displayListeners, consoleWindow, closedWindow, unregister, topFrame, invoke }
}

describe('the IPC bridge to the engine', () => {
  it('runs a charge under its idempotency key, and refuses a key that is not a string', async () => {
    const { invoke, engine, consoleWindow, topFrame } = setup()
    const input = { id: 'ord_1', wallet: 'cash', tenderedFen: 100 }
    const answer = await invoke('payments.create', input, topFrame, consoleWindow.webContents, 'con-1')
    expect(answer).toEqual({ ok: true, data: { key: 'con-1', operation: 'payments.create', input } })
    expect(engine.invokeIdempotent).toHaveBeenCalledOnce()
    expect(engine.invokeUntrusted).not.toHaveBeenCalled()
    const odd = await invoke('payments.create', input, topFrame, consoleWindow.webContents, 42)
    expect(odd).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } })
    expect(engine.invokeIdempotent).toHaveBeenCalledOnce()
  })

  it("answers the console's top frame with the engine's result", async () => {
    const { invoke, engine, consoleWindow, topFrame } = setup()
    const answer = await invoke('store.get', {}, topFrame, consoleWindow.webContents)
    expect(answer).toEqual({ ok: true, data: { operation: 'store.get', input: {} } })
    expect(engine.invokeUntrusted).toHaveBeenCalledOnce()
  })

  it('refuses a frame inside the console and a frame of another origin, without reaching the engine', async () => {
    const { invoke, engine, consoleWindow, topFrame } = setup()
    const unauthorized = { ok: false, error: { code: 'UNAUTHORIZED', message: 'IPC from an unknown frame' } }
    const subframe = { url: 'app://console/index.html', parent: topFrame }
    expect(await invoke('store.get', {}, subframe, consoleWindow.webContents)).toEqual(unauthorized)
    const elsewhere = { url: 'https://evil.example/', parent: null }
    expect(await invoke('store.get', {}, elsewhere, consoleWindow.webContents)).toEqual(unauthorized)
    expect(await invoke('store.get', {}, null, consoleWindow.webContents)).toEqual(unauthorized)
    expect(engine.invokeUntrusted).not.toHaveBeenCalled()
  })

  it('refuses a web contents that is not an open console window', async () => {
    const { invoke, engine, closedWindow, topFrame } = setup()
    expect(await invoke('store.get', {}, topFrame, closedWindow.webContents)).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED' },
    })
    expect(await invoke('store.get', {}, topFrame, { id: 99 })).toMatchObject({ ok: false })
    expect(engine.invokeUntrusted).not.toHaveBeenCalled()
  })

  it('answers the dev server page while developing', async () => {
    const { invoke, consoleWindow } = setup('http://localhost:5173/')
    const frame = { url: 'http://localhost:5173/#/orders', parent: null }
    expect(await invoke('store.get', {}, frame, consoleWindow.webContents)).toMatchObject({ ok: true })
  })

  it('refuses an operation outside the contract', async () => {
    const { invoke, engine, consoleWindow, topFrame } = setup()
    for (const operation of ['db.exec', '__proto__', 42, null]) {
      expect(await invoke(operation, {}, topFrame, consoleWindow.webContents)).toMatchObject({
        ok: false,
        error: { code: 'UNKNOWN_OPERATION' },
      })
    }
    expect(engine.invokeUntrusted).not.toHaveBeenCalled()
  })

  it("answers an engine error in the contract's error shape", async () => {
    const { invoke, consoleWindow, topFrame } = setup()
    expect(await invoke('orders.get', { orderId: 'x' }, topFrame, consoleWindow.webContents)).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'no such order' },
    })
  })

  it('forwards engine events to open console windows and stops when unregistered', () => {
    const { listeners, consoleWindow, closedWindow, unregister, handlers } = setup()
    const event = { type: 'order.created' } as unknown as EngineEvent
    for (const listener of listeners) listener(event)
    expect(consoleWindow.webContents.send).toHaveBeenCalledExactlyOnceWith(EVENT_CHANNEL, event)
    expect(closedWindow.webContents.send).not.toHaveBeenCalled()
    unregister()
    expect(listeners.size).toBe(0)
    expect(handlers.has(INVOKE_CHANNEL)).toBe(false)
  })

  it("forwards the tills' customer-display states to open windows (a second screen's window among them)", () => {
    const { displayListeners, consoleWindow, closedWindow, unregister } = setup()
    const snapshot = { tillId: 'till-1', state: { phase: 'cart' }, updatedAt: null } as unknown as DisplaySnapshot
    for (const listener of displayListeners) listener(snapshot)
    expect(consoleWindow.webContents.send).toHaveBeenCalledExactlyOnceWith(DISPLAY_CHANNEL, snapshot)
    expect(closedWindow.webContents.send).not.toHaveBeenCalled()
    unregister()
    expect(displayListeners.size).toBe(0)
  })
})
