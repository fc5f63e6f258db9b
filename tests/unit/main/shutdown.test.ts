import { EventEmitter } from 'node:events'
import type { App } from 'electron'
import { describe, expect, it, vi } from 'vitest'
import { closeBeforeQuit, type Running } from '../../../src/main/shutdown'

/** An app that quits unless a before-quit listener prevents it, as Electron's does. */
class FakeApp extends EventEmitter {
  quitCount = 0
  exited = false
  quit(): void {
    this.quitCount++
    let prevented = false
    this.emit('before-quit', { preventDefault: () => (prevented = true) })
    if (!prevented) this.exited = true
  }
}

function deferred() {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

describe('quitting', () => {
  it('waits for the server to stop, then for the engine to write its last changes, then quits', async () => {
    const app = new FakeApp()
    const order: string[] = []
    const serverClosed = deferred()
    const engineClosed = deferred()
    let running: Running = {
      server: { close: () => (order.push('server'), serverClosed.promise) },
      engine: { close: () => (order.push('engine'), engineClosed.promise) },
    }
    closeBeforeQuit(
      app as unknown as App,
      () => running,
      () => (running = { server: null, engine: null }),
    )
    app.quit()
    expect(app.exited).toBe(false)
    expect(order).toEqual(['server'])
    // A second quit while closing (a second Cmd-Q) neither quits early nor closes twice.
    app.quit()
    expect(app.exited).toBe(false)
    expect(order).toEqual(['server'])
    serverClosed.resolve()
    await vi.waitFor(() => expect(order).toEqual(['server', 'engine']))
    expect(app.exited).toBe(false)
    engineClosed.resolve()
    await vi.waitFor(() => expect(app.exited).toBe(true))
    expect(order).toEqual(['server', 'engine'])
    expect(running).toEqual({ server: null, engine: null })
  })

  it('still closes the engine and quits when the server fails to close', async () => {
    const app = new FakeApp()
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const engineClose = vi.fn(() => Promise.resolve())
    closeBeforeQuit(
      app as unknown as App,
      () => ({ server: { close: () => Promise.reject(new Error('stuck')) }, engine: { close: engineClose } }),
      () => undefined,
    )
    app.quit()
    await vi.waitFor(() => expect(app.exited).toBe(true))
    expect(engineClose).toHaveBeenCalledOnce()
    expect(error).toHaveBeenCalledWith(expect.stringContaining('stuck'))
    error.mockRestore()
  })

  it('quits at once when nothing was started', () => {
    const app = new FakeApp()
    closeBeforeQuit(
      app as unknown as App,
      () => ({ server: null, engine: null }),
      () => undefined,
    )
    app.quit()
    expect(app.exited).toBe(true)
  })
})
