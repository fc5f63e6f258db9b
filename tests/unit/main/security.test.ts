import { EventEmitter } from 'node:events'
import type { App, IpcMainInvokeEvent, Session, WebContents } from 'electron'
import { describe, expect, it, vi } from 'vitest'
import { CONSOLE_ENTRY_URL } from '../../../src/main/consoleProtocol'
import {
  consoleWebPreferences,
  denyPermissionRequests,
  externalUrlAllowed,
  guardWebContents,
  hardenWebContents,
  isConsoleSender,
  isConsoleUrl,
  openExternalSafely,
} from '../../../src/main/security'
import { consoleWindowOptions, openConsoleWindow } from '../../../src/main/window'

const DEV_URL = 'http://localhost:5173'

/** A web contents as far as the guards touch it: events, and the window-open handler they install. */
class FakeContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler
  }
  /** Emits a cancellable event the way Electron does; returns whether a listener prevented it. */
  attempt(name: string, ...args: unknown[]): boolean {
    let prevented = false
    this.emit(name, { preventDefault: () => (prevented = true) }, ...args)
    return prevented
  }
}

function guarded(consoleUrl = CONSOLE_ENTRY_URL) {
  const contents = new FakeContents()
  const openExternal = vi.fn((_url: string) => Promise.resolve())
  guardWebContents(contents as unknown as WebContents, () => consoleUrl, openExternal)
  return { contents, openExternal }
}

describe('the console window', () => {
  it('runs the page isolated and sandboxed, with the preload as its only bridge', () => {
    const prefs = consoleWebPreferences('/app/out/preload/index.js')
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
    })
  })

  it('is created with those preferences and loads the page it is given', () => {
    const created: { options: unknown; url?: string; window: EventEmitter }[] = []
    class FakeWindow extends EventEmitter {
      show = vi.fn()
      constructor(options: unknown) {
        super()
        created.push({ options, window: this })
      }
      loadURL(url: string): Promise<void> {
        created[0]!.url = url
        return Promise.resolve()
      }
    }
    const window = openConsoleWindow(FakeWindow as never, CONSOLE_ENTRY_URL, '/app/out/preload/index.js')
    expect(created).toHaveLength(1)
    expect(created[0]!.options).toEqual(consoleWindowOptions('/app/out/preload/index.js'))
    expect(created[0]!.url).toBe('app://console/index.html')
    // Shown only once the first paint is ready, so the cashier never sees a blank window.
    expect((window as unknown as FakeWindow).show).not.toHaveBeenCalled()
    created[0]!.window.emit('ready-to-show')
    expect((window as unknown as FakeWindow).show).toHaveBeenCalledOnce()
  })
})

describe('what counts as the console', () => {
  it('is the console scheme and host, whatever the path or route', () => {
    expect(isConsoleUrl('app://console/index.html', CONSOLE_ENTRY_URL)).toBe(true)
    expect(isConsoleUrl('app://console/index.html#/orders', CONSOLE_ENTRY_URL)).toBe(true)
    expect(isConsoleUrl('app://console/assets/index.js', CONSOLE_ENTRY_URL)).toBe(true)
  })

  it('is not another host of the scheme, another scheme, nor a page elsewhere', () => {
    for (const url of [
      'app://evil/index.html',
      'app://console.evil/index.html',
      'other://console/index.html',
      'file:///app/out/renderer/index.html',
      'https://console/index.html',
      'https://evil.example/',
      'javascript:alert(1)',
      'not a url',
      '',
    ]) {
      expect(isConsoleUrl(url, CONSOLE_ENTRY_URL), url).toBe(false)
    }
  })

  it('is the dev server origin while developing, to the port', () => {
    expect(isConsoleUrl('http://localhost:5173/#/checkout', DEV_URL)).toBe(true)
    expect(isConsoleUrl('http://localhost:5174/', DEV_URL)).toBe(false)
    expect(isConsoleUrl('https://localhost:5173/', DEV_URL)).toBe(false)
    expect(isConsoleUrl('http://localhost:5173@evil.example/', DEV_URL)).toBe(false)
  })

  it('never matches when the console page itself has no host', () => {
    expect(isConsoleUrl('file:///index.html', 'file:///index.html')).toBe(false)
  })
})

describe('who may call the engine over IPC', () => {
  const consoleContents = { id: 7 } as WebContents
  const topFrame = { url: 'app://console/index.html#/checkout', parent: null }
  const event = (senderFrame: unknown, sender: unknown = consoleContents) =>
    ({ sender, senderFrame }) as unknown as IpcMainInvokeEvent

  it("is the console window's own top frame at the console's origin", () => {
    expect(isConsoleSender(event(topFrame), CONSOLE_ENTRY_URL, [consoleContents])).toBe(true)
  })

  it('is not a frame inside the console, even one of the console origin', () => {
    const subframe = { url: 'app://console/index.html', parent: topFrame }
    expect(isConsoleSender(event(subframe), CONSOLE_ENTRY_URL, [consoleContents])).toBe(false)
  })

  it('is not a top frame showing another origin', () => {
    for (const url of ['https://evil.example/', 'app://evil/index.html', 'file:///tmp/index.html']) {
      expect(isConsoleSender(event({ url, parent: null }), CONSOLE_ENTRY_URL, [consoleContents]), url).toBe(false)
    }
  })

  it('is not a frame that is gone, nor a web contents that is not a console window', () => {
    expect(isConsoleSender(event(null), CONSOLE_ENTRY_URL, [consoleContents])).toBe(false)
    expect(isConsoleSender(event(topFrame, { id: 8 }), CONSOLE_ENTRY_URL, [consoleContents])).toBe(false)
    expect(isConsoleSender(event(topFrame), CONSOLE_ENTRY_URL, [])).toBe(false)
  })
})

describe('links to the outside', () => {
  it('opens https pages of the allow-listed wallet platforms', () => {
    for (const url of [
      'https://pay.weixin.qq.com/index.php/core/home',
      'https://b.alipay.com/',
      'https://open.alipay.com/develop/manage',
      'https://opendocs.alipay.com/open/270/105898',
    ]) {
      expect(externalUrlAllowed(url), url).toBe(new URL(url).href)
    }
  })

  it('opens nothing else: other hosts, look-alikes, plain http, other ports, credentials, other schemes', () => {
    for (const url of [
      'https://evil.example/',
      'https://pay.weixin.qq.com.evil.example/',
      'https://evilpay.weixin.qq.com/',
      'http://pay.weixin.qq.com/',
      'https://pay.weixin.qq.com:8443/',
      'https://user:pass@pay.weixin.qq.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'ms-settings:',
      'http://192.168.1.20:5170/f/abc',
      'not a url',
    ]) {
      expect(externalUrlAllowed(url), url).toBeNull()
    }
  })

  it('hands only allowed pages to the browser', () => {
    const openExternal = vi.fn((_url: string) => Promise.resolve())
    expect(openExternalSafely('https://b.alipay.com/', openExternal)).toBe(true)
    expect(openExternalSafely('file:///etc/passwd', openExternal)).toBe(false)
    expect(openExternal.mock.calls).toEqual([['https://b.alipay.com/']])
  })

  it('survives a browser that refuses to open', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const openExternal = vi.fn(() => Promise.reject(new Error('no browser')))
    expect(openExternalSafely('https://b.alipay.com/', openExternal)).toBe(true)
    await vi.waitFor(() => expect(error).toHaveBeenCalledWith(expect.stringContaining('no browser')))
    error.mockRestore()
  })
})

describe('the guards on every web contents', () => {
  it('refuses navigation off the console and lets the console move between its own pages', () => {
    const { contents } = guarded()
    expect(contents.attempt('will-navigate', 'https://evil.example/')).toBe(true)
    expect(contents.attempt('will-navigate', 'file:///etc/passwd')).toBe(true)
    expect(contents.attempt('will-navigate', 'app://evil/index.html')).toBe(true)
    expect(contents.attempt('will-navigate', 'app://console/index.html#/orders')).toBe(false)
  })

  it('keeps the dev server reachable while developing', () => {
    const { contents } = guarded(DEV_URL)
    expect(contents.attempt('will-navigate', 'http://localhost:5173/#/settings')).toBe(false)
    expect(contents.attempt('will-navigate', 'app://console/index.html')).toBe(true)
  })

  it('denies every new window, handing only allow-listed https pages to the browser', () => {
    const { contents, openExternal } = guarded()
    const open = (url: string) => contents.windowOpenHandler!({ url })
    expect(open('https://pay.weixin.qq.com/')).toEqual({ action: 'deny' })
    expect(open('https://evil.example/')).toEqual({ action: 'deny' })
    expect(open('http://192.168.1.20:5170/f/abc')).toEqual({ action: 'deny' })
    expect(open('app://console/index.html')).toEqual({ action: 'deny' })
    expect(openExternal.mock.calls).toEqual([['https://pay.weixin.qq.com/']])
  })

  it('refuses to attach a webview', () => {
    const { contents } = guarded()
    expect(contents.attempt('will-attach-webview', {}, {})).toBe(true)
  })

  it('are installed on each web contents the app creates', () => {
    const app = new EventEmitter()
    hardenWebContents(app as unknown as App, () => CONSOLE_ENTRY_URL, vi.fn())
    const first = new FakeContents()
    const second = new FakeContents()
    app.emit('web-contents-created', {}, first)
    app.emit('web-contents-created', {}, second)
    for (const contents of [first, second]) {
      expect(contents.windowOpenHandler).not.toBeNull()
      expect(contents.attempt('will-navigate', 'https://evil.example/')).toBe(true)
    }
  })
})

describe('permissions', () => {
  it('refuses every permission request', () => {
    let handler: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null = null
    const session = { setPermissionRequestHandler: (h: typeof handler) => (handler = h) }
    denyPermissionRequests(session as unknown as Session)
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'hid']) {
      const callback = vi.fn()
      handler!({}, permission, callback)
      expect(callback, permission).toHaveBeenCalledExactlyOnceWith(false)
    }
  })
})
