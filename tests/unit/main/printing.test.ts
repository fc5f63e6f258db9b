import { EventEmitter } from 'node:events'
import type { BrowserWindow, BrowserWindowConstructorOptions, Display } from 'electron'
import { describe, expect, it, vi } from 'vitest'
import { CONSOLE_ENTRY_URL } from '../../../src/main/consoleProtocol'
import { displayPageUrl, externalDisplay, manageCustomerDisplay } from '../../../src/main/displayWindow'
import {
  parsePrintJob,
  PRINT_CHANNEL,
  printInHiddenWindow,
  printOptions,
  registerPrinting,
} from '../../../src/main/printing'

const JOB = { html: '<!doctype html><p>小票</p>', widthMm: 58, heightMm: 120.4, deviceName: 'XP-58', silent: true }

describe('receipt printing in the desktop app', () => {
  it('takes a receipt job field by field and refuses anything else', () => {
    expect(parsePrintJob(JOB)).toEqual({ ...JOB, heightMm: 121 })
    expect(parsePrintJob({ ...JOB, heightMm: 3 })?.heightMm).toBe(40)
    expect(parsePrintJob({ ...JOB, deviceName: null })?.deviceName).toBeNull()
    for (const bad of [
      null,
      'html',
      { ...JOB, widthMm: 76 },
      { ...JOB, html: '' },
      { ...JOB, html: 'x'.repeat(600_000) },
      { ...JOB, heightMm: Number.NaN },
      { ...JOB, silent: 'yes' },
      { ...JOB, deviceName: 42 },
    ])
      expect(parsePrintJob(bad)).toBeNull()
  })

  it('prints on the chosen printer, on paper of the receipt’s size in microns, with no margins', () => {
    expect(printOptions(parsePrintJob(JOB)!)).toEqual({
      silent: true,
      printBackground: true,
      deviceName: 'XP-58',
      margins: { marginType: 'none' },
      pageSize: { width: 58_000, height: 121_000 },
    })
    expect(printOptions(parsePrintJob({ ...JOB, deviceName: null })!)).not.toHaveProperty('deviceName')
  })

  it('prints from a hidden window without scripts, and closes it even when the printer fails', async () => {
    const made: { options: BrowserWindowConstructorOptions; destroyed: boolean; url: string }[] = []
    class FakeWindow {
      record = { options: {} as BrowserWindowConstructorOptions, destroyed: false, url: '' }
      webContents = {
        print: (_options: unknown, done: (success: boolean, reason: string) => void) => done(false, 'no paper'),
      }
      constructor(options: BrowserWindowConstructorOptions) {
        this.record.options = options
        made.push(this.record)
      }
      loadURL(url: string) {
        this.record.url = url
        return Promise.resolve()
      }
      destroy() {
        this.record.destroyed = true
      }
    }
    const outcome = await printInHiddenWindow(FakeWindow as unknown as typeof BrowserWindow, parsePrintJob(JOB)!)
    expect(outcome).toEqual({ ok: false, reason: 'no paper' })
    expect(made[0]!.options.show).toBe(false)
    expect(made[0]!.options.webPreferences).toMatchObject({ javascript: false, sandbox: true, nodeIntegration: false })
    expect(made[0]!.options.webPreferences?.preload).toBeUndefined()
    expect(decodeURIComponent(made[0]!.url)).toContain('<p>小票</p>')
    expect(made[0]!.destroyed).toBe(true)
  })

  it('answers only the console’s own frame', async () => {
    const handlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>()
    const ipcMain = {
      handle: (c: string, h: never) => handlers.set(c, h),
      removeHandler: (c: string) => handlers.delete(c),
    }
    const window = { isDestroyed: () => false, webContents: { id: 1 } }
    registerPrinting({
      ipcMain: ipcMain as never,
      Window: vi.fn() as never,
      consoleUrl: () => CONSOLE_ENTRY_URL,
      windows: () => [window as never],
    })
    const stranger = { sender: { id: 9 }, senderFrame: { url: 'https://evil.example/', parent: null } }
    expect(await handlers.get(PRINT_CHANNEL)!(stranger, JOB)).toEqual({ ok: false, reason: 'unknown frame' })
    const own = { sender: { id: 1 }, senderFrame: { url: CONSOLE_ENTRY_URL, parent: null } }
    expect(await handlers.get(PRINT_CHANNEL)!(own, { html: 1 })).toEqual({ ok: false, reason: 'not a receipt' })
  })
})

function display(id: number, x: number): Display {
  return { id, bounds: { x, y: 0, width: 1920, height: 1080 } } as Display
}

describe('the customer display window', () => {
  it('goes on the first screen that is not the primary one', () => {
    expect(externalDisplay([display(1, 0), display(2, 1920)], 1)?.id).toBe(2)
    expect(externalDisplay([display(1, 0)], 1)).toBeNull()
    expect(displayPageUrl(CONSOLE_ENTRY_URL)).toMatch(/#\/display$/)
  })

  it('opens when a screen is added, moves with it, and closes when it is removed or the console closes', () => {
    const screen = Object.assign(new EventEmitter(), {
      displays: [display(1, 0)],
      getAllDisplays() {
        return this.displays
      },
      getPrimaryDisplay: () => display(1, 0),
    })
    const windows: { options: BrowserWindowConstructorOptions; destroyed: boolean; bounds: unknown }[] = []
    class FakeWindow extends EventEmitter {
      record = { options: {} as BrowserWindowConstructorOptions, destroyed: false, bounds: null as unknown }
      constructor(options: BrowserWindowConstructorOptions) {
        super()
        this.record.options = options
        windows.push(this.record)
      }
      loadURL = () => Promise.resolve()
      isDestroyed = () => this.record.destroyed
      destroy = () => {
        this.record.destroyed = true
      }
      setBounds = (bounds: unknown) => {
        this.record.bounds = bounds
      }
    }
    const manager = manageCustomerDisplay({
      screen: screen as never,
      Window: FakeWindow as never,
      consoleUrl: () => CONSOLE_ENTRY_URL,
      preload: '/preload.js',
    })
    expect(windows).toHaveLength(0)

    screen.displays = [display(1, 0), display(2, 1920)]
    screen.emit('display-added')
    expect(windows).toHaveLength(1)
    expect(windows[0]!.options).toMatchObject({ x: 1920, frame: false, fullscreen: true })
    expect(windows[0]!.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true })

    screen.displays = [display(1, 0), display(2, 3840)]
    screen.emit('display-metrics-changed')
    expect(windows).toHaveLength(1)
    expect(windows[0]!.bounds).toMatchObject({ x: 3840 })

    screen.displays = [display(1, 0)]
    screen.emit('display-removed')
    expect(windows[0]!.destroyed).toBe(true)

    screen.displays = [display(1, 0), display(3, 1920)]
    screen.emit('display-added')
    expect(windows).toHaveLength(2)
    manager.stop()
    expect(windows[1]!.destroyed).toBe(true)
    screen.emit('display-added')
    expect(windows).toHaveLength(2)
  })
})
