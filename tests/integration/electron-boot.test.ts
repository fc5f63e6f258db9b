/**
 * Boots the built desktop app (out/main/index.js) under plain Node with a stand-in for the `electron` module:
 * the real engine, server, IPC bridge, console protocol and preload run; only Electron's own objects are
 * stand-ins that record what the app asked of them.
 */
import { EventEmitter } from 'node:events'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import Module, { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { basename, dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { HutongBridge } from '../../src/preload/api'
import type { EngineEvent } from '../../src/shared/api/types'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const mainBundle = join(root, 'out', 'main', 'index.js')
const preloadBundle = join(root, 'out', 'preload', 'index.js')
const rendererDir = join(root, 'out', 'renderer')
const nativeRequire = createRequire(mainBundle)
const nodeSqliteBinding = join(
  dirname(nativeRequire.resolve('better-sqlite3/package.json')),
  'build',
  'Release',
  'better_sqlite3.node',
)

type Frame = { url: string; parent: Frame | null }
type Listener = (...args: any[]) => unknown
type Handler = (event: unknown, ...args: unknown[]) => unknown

// ---------------------------------------------------------------------------------------------------------------
// The stand-in for Electron's main-process API
// ---------------------------------------------------------------------------------------------------------------

class StubApp extends EventEmitter {
  isPackaged = false
  ready = false
  quitRequests = 0
  quitted = false
  exitCode: number | null = null
  private markReady!: () => void
  private readonly readyPromise = new Promise<void>((resolve) => (this.markReady = resolve))

  constructor(
    private readonly appPath: string,
    private readonly userData: string,
  ) {
    super()
  }
  whenReady(): Promise<void> {
    return this.readyPromise
  }
  isReady(): boolean {
    return this.ready
  }
  becomeReady(): void {
    this.ready = true
    this.emit('ready')
    this.markReady()
  }
  requestSingleInstanceLock(): boolean {
    return true
  }
  getAppPath(): string {
    return this.appPath
  }
  getPath(name: string): string {
    return join(this.userData, name)
  }
  getVersion(): string {
    return '0.0.0-test'
  }
  /** Quits unless a before-quit listener prevents it, as Electron does. */
  quit(): void {
    this.quitRequests++
    let prevented = false
    this.emit('before-quit', { preventDefault: () => (prevented = true) })
    if (prevented) return
    this.quitted = true
    this.emit('will-quit', { preventDefault: () => undefined })
    this.emit('quit')
  }
  exit(code = 0): void {
    this.exitCode = code
  }
}

let nextContentsId = 1

class StubWebContents extends EventEmitter {
  readonly id = nextContentsId++
  mainFrame: Frame = { url: '', parent: null }
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null
  /** What the page's preload listens to (ipcRenderer.on). */
  readonly toRenderer = new EventEmitter()
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler
  }
  send(channel: string, ...args: unknown[]): void {
    this.toRenderer.emit(channel, { sender: null }, ...args.map((arg) => structuredClone(arg)))
  }
  isDestroyed(): boolean {
    return false
  }
  /** Emits a cancellable event; returns whether a listener prevented it. */
  attempt(name: string, ...args: unknown[]): boolean {
    let prevented = false
    this.emit(name, { preventDefault: () => (prevented = true) }, ...args)
    return prevented
  }
}

function createElectronStandIn(app: StubApp) {
  const windows: StubBrowserWindow[] = []
  class StubBrowserWindow extends EventEmitter {
    readonly webContents = new StubWebContents()
    loadedUrl: string | null = null
    shown = false
    constructor(readonly options: Record<string, any>) {
      if (!app.ready) throw new Error('Cannot create BrowserWindow before app is ready')
      super()
      windows.push(this)
      app.emit('web-contents-created', { preventDefault: () => undefined }, this.webContents)
    }
    static getAllWindows(): StubBrowserWindow[] {
      return [...windows]
    }
    loadURL(url: string): Promise<void> {
      this.loadedUrl = url
      this.webContents.mainFrame = { url, parent: null }
      return Promise.resolve()
    }
    show(): void {
      this.shown = true
    }
    isMinimized(): boolean {
      return false
    }
    restore(): void {}
    focus(): void {}
    isDestroyed(): boolean {
      return false
    }
  }

  const ipcHandlers = new Map<string, Handler>()
  const privileged: { schemes: unknown[]; beforeReady: boolean }[] = []
  const protocolHandlers = new Map<string, (request: Request) => Promise<Response>>()
  const permissionHandlers: Listener[] = []
  const opened: string[] = []
  const errorBoxes: { title: string; content: string }[] = []

  const electron = {
    app,
    BrowserWindow: StubBrowserWindow,
    ipcMain: {
      handle(channel: string, handler: Handler): void {
        if (ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
        ipcHandlers.set(channel, handler)
      },
      removeHandler(channel: string): void {
        ipcHandlers.delete(channel)
      },
      on: () => undefined,
    },
    protocol: {
      registerSchemesAsPrivileged(schemes: unknown[]): void {
        if (app.ready) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready')
        privileged.push({ schemes, beforeReady: !app.ready })
      },
      handle(scheme: string, handler: (request: Request) => Promise<Response>): void {
        if (!app.ready) throw new Error('protocol.handle can only be used after the app is ready')
        protocolHandlers.set(scheme, handler)
      },
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: Listener) => permissionHandlers.push(handler),
        setPermissionCheckHandler: () => undefined,
      },
    },
    safeStorage: {
      isEncryptionAvailable: () => false,
      getSelectedStorageBackend: () => 'basic_text',
      encryptString: () => {
        throw new Error('no keychain in this stand-in')
      },
      decryptString: () => {
        throw new Error('no keychain in this stand-in')
      },
    },
    // One screen: the till's own, so no customer display window opens.
    screen: {
      getPrimaryDisplay: () => ({ id: 1, workAreaSize: { width: 1920, height: 1080 } }),
      getAllDisplays: () => [{ id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 } }],
      on: () => undefined,
      removeListener: () => undefined,
    },
    shell: {
      openExternal: async (url: string) => {
        opened.push(url)
      },
    },
    dialog: {
      showErrorBox: (title: string, content: string) => errorBoxes.push({ title, content }),
    },
  }
  return { electron, windows, ipcHandlers, privileged, protocolHandlers, permissionHandlers, opened, errorBoxes }
}

// ---------------------------------------------------------------------------------------------------------------
// Loading the bundles with the stand-in
// ---------------------------------------------------------------------------------------------------------------

type Loader = { _load(request: string, parent: unknown, isMain: boolean): unknown }
const loader = Module as unknown as Loader
const originalLoad = loader._load
/** What `require('electron')` answers in the bundle being loaded. */
let electronForLoad: unknown = null
/** Every SQLite driver the app asked for, by path. */
const sqliteDriverRequests: string[] = []
let electronSqliteBinding = ''

function installLoader(): void {
  loader._load = function (this: unknown, request: string, parent: unknown, isMain: boolean) {
    if (request === 'electron') {
      if (!electronForLoad) throw new Error('electron was required outside the boot test')
      return electronForLoad
    }
    if (basename(request) === 'better_sqlite3.node') {
      sqliteDriverRequests.push(request)
      // The Electron-ABI build cannot be made here; the Node build stands in for it, at the path the app chose.
      if (request === electronSqliteBinding) return originalLoad.call(this, nodeSqliteBinding, parent, isMain)
    }
    return originalLoad.call(this, request, parent, isMain)
  }
}

/** Loads the preload into a frame of a window: what it exposes as `window.hutong`, talking to main's handlers. */
function loadPreload(
  stand: ReturnType<typeof createElectronStandIn>,
  contents: StubWebContents,
  frame: Frame,
): HutongBridge {
  const exposed: Record<string, unknown> = {}
  electronForLoad = {
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => {
        exposed[key] = api
      },
    },
    ipcRenderer: {
      async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
        const handler = stand.ipcHandlers.get(channel)
        if (!handler) throw new Error(`No handler registered for '${channel}'`)
        const event = { sender: contents, senderFrame: frame, processId: 1, frameId: 1 }
        // Arguments and answers cross the process boundary by structured clone.
        return structuredClone(await handler(event, ...args.map((arg) => structuredClone(arg))))
      },
      on: (channel: string, listener: Listener) => contents.toRenderer.on(channel, listener),
      removeListener: (channel: string, listener: Listener) => contents.toRenderer.removeListener(channel, listener),
    },
  }
  delete nativeRequire.cache[preloadBundle]
  nativeRequire(preloadBundle)
  const bridge = exposed.hutong as HutongBridge | undefined
  if (!bridge) throw new Error('the preload exposed no window.hutong')
  return bridge
}

/** The files a page names in src= and href= (the built index.html's scripts, preloads and styles). */
function assetRefs(html: string): string[] {
  return [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).filter((ref) => !ref.startsWith('data:'))
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  )
}

// ---------------------------------------------------------------------------------------------------------------

describe('the desktop app, booted with a stand-in for Electron', () => {
  const savedEnv = { ...process.env }
  let temp: string
  let dataDir: string
  let app: StubApp
  let stand: ReturnType<typeof createElectronStandIn>
  let localUrl: string
  let closedDatabases: string[]
  let restoreClose: () => void
  let logs: string[]

  beforeAll(async () => {
    for (const bundle of [mainBundle, preloadBundle, join(rendererDir, 'index.html')]) {
      if (!existsSync(bundle)) {
        throw new Error(
          `${relative(root, bundle)} is missing: build the app first with "npx electron-vite build" (npm test does)`,
        )
      }
    }
    temp = mkdtempSync(join(tmpdir(), 'hutong-boot-'))
    dataDir = join(temp, 'data')
    const appPath = join(temp, 'app')
    // Where a development checkout keeps the Electron build of the driver; an empty file marks it present.
    electronSqliteBinding = join(
      appPath,
      '.electron-native',
      'better-sqlite3',
      'build',
      'Release',
      'better_sqlite3.node',
    )
    mkdirSync(dirname(electronSqliteBinding), { recursive: true })
    writeFileSync(electronSqliteBinding, '')

    process.env.HUTONG_DATA_DIR = dataDir
    process.env.HUTONG_PORT = '0'
    process.env.HUTONG_HOST = '127.0.0.1'
    for (const name of ['ELECTRON_RENDERER_URL', 'HUTONG_API_TOKEN', 'HUTONG_PUBLIC_URL', 'HUTONG_ALLOWED_HOSTS']) {
      delete process.env[name]
    }

    // Which databases the app closes, by file.
    const Database = nativeRequire('better-sqlite3') as { prototype: { close(): unknown; name: string } }
    const close = Database.prototype.close
    closedDatabases = []
    Database.prototype.close = function (this: { name: string }) {
      closedDatabases.push(this.name)
      return close.call(this)
    }
    restoreClose = () => (Database.prototype.close = close)

    logs = []
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logs.push(args.join(' ')))

    app = new StubApp(appPath, join(temp, 'userData'))
    stand = createElectronStandIn(app)
    installLoader()
    electronForLoad = stand.electron
    nativeRequire(mainBundle)
    app.becomeReady()
    await vi.waitFor(
      () => {
        if (stand.errorBoxes.length) throw new Error(`the app could not start: ${stand.errorBoxes[0]!.content}`)
        expect(stand.windows).toHaveLength(1)
      },
      { timeout: 15_000, interval: 20 },
    )
    const started = logs.find((line) => line.includes('LAN server'))
    localUrl = /LAN server (\S+)/.exec(started ?? '')?.[1] ?? ''
  })

  afterAll(async () => {
    try {
      if (app && !app.quitted && stand?.windows.length) {
        app.quit()
        await vi.waitFor(() => expect(app.quitted).toBe(true), { timeout: 15_000 })
      }
    } finally {
      loader._load = originalLoad
      electronForLoad = null
      restoreClose?.()
      vi.restoreAllMocks()
      for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name]
      Object.assign(process.env, savedEnv)
      if (temp) rmSync(temp, { recursive: true, force: true })
    }
  })

  it('registers app:// as a privileged scheme before the app is ready', () => {
    expect(stand.privileged).toEqual([
      {
        schemes: [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }],
        beforeReady: true,
      },
    ])
  })

  it("opens the engine with Electron's SQLite driver from .electron-native", () => {
    expect(sqliteDriverRequests.length).toBeGreaterThan(0)
    expect(new Set(sqliteDriverRequests)).toEqual(new Set([electronSqliteBinding]))
    expect(existsSync(join(dataDir, 'hutong.sqlite'))).toBe(true)
    expect(localUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(localUrl).not.toMatch(/:5170$/)
  })

  it('creates the console window with the secure preferences and loads it from app://', () => {
    const [window] = stand.windows
    expect(window!.options.webPreferences).toMatchObject({
      preload: preloadBundle,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
    })
    expect(window!.loadedUrl).toBe('app://console/index.html')
    expect(stand.windows, 'no customer display window without a second screen').toHaveLength(1)
    expect(window!.shown).toBe(false)
    window!.emit('ready-to-show')
    expect(window!.shown).toBe(true)
  })

  it('serves the built console over app://, every asset with its type, and nothing outside it', async () => {
    const handler = stand.protocolHandlers.get('app')
    expect(handler).toBeDefined()
    const page = await handler!(new Request('app://console/index.html'))
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    const refs = assetRefs(await page.text())
    expect(refs.length).toBeGreaterThan(0)
    for (const ref of refs) {
      // Relative or root-absolute paths both resolve inside app://console/.
      const url = new URL(ref, 'app://console/index.html')
      expect(url.href, ref).toMatch(/^app:\/\/console\//)
      const asset = await handler!(new Request(url))
      expect(asset.status, url.href).toBe(200)
      expect(asset.headers.get('content-type'), url.href).toMatch(/^text\/(javascript|css); charset=utf-8$/)
    }
    for (const file of filesUnder(rendererDir)) {
      const url = `app://console/${relative(rendererDir, file).split(/[\\/]/).join('/')}`
      const response = await handler!(new Request(url))
      expect(response.status, url).toBe(200)
      expect(response.headers.get('content-type'), url).not.toBe('application/octet-stream')
    }
    const escape = await handler!(new Request('app://console/..%2Fmain%2Findex.js'))
    expect(escape.status).toBe(403)
  })

  it('serves the same console over HTTP at / for a browser at a second till', async () => {
    const page = await fetch(`${localUrl}/`)
    expect(page.status).toBe(200)
    const refs = assetRefs(await page.text())
    expect(refs.length).toBeGreaterThan(0)
    for (const ref of refs) {
      const asset = await fetch(new URL(ref, `${localUrl}/`))
      expect(asset.status, ref).toBe(200)
    }
  })

  it('guards the window: navigation, new windows, webviews and permissions', () => {
    const contents = stand.windows[0]!.webContents
    expect(contents.attempt('will-navigate', 'https://evil.example/')).toBe(true)
    expect(contents.attempt('will-navigate', 'app://console/index.html#/orders')).toBe(false)
    expect(contents.attempt('will-attach-webview', {}, {})).toBe(true)
    expect(contents.windowOpenHandler!({ url: 'https://pay.weixin.qq.com/' })).toEqual({ action: 'deny' })
    expect(contents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' })
    expect(stand.opened).toEqual(['https://pay.weixin.qq.com/'])
    expect(stand.permissionHandlers).toHaveLength(1)
    const callback = vi.fn()
    stand.permissionHandlers[0]!(contents, 'media', callback, {})
    expect(callback).toHaveBeenCalledExactlyOnceWith(false)
  })

  let orderId = ''

  it("answers the console's invoke through the preload's allow-list, and streams engine events", async () => {
    const window = stand.windows[0]!
    const hutong = loadPreload(stand, window.webContents, window.webContents.mainFrame)

    const store = await hutong.invoke('store.get', {})
    expect(store).toMatchObject({ ok: true, data: { currency: 'CNY' } })

    // Only a signed-in member sells: the window itself is nobody until a PIN is entered.
    const order = { amountFen: 1234, description: 'boot test' }
    expect(await hutong.invoke('orders.create', order)).toMatchObject({ ok: false, error: { code: 'SESSION_EXPIRED' } })
    const options = (await hutong.invoke('auth.signInOptions', {})) as {
      data: { staff: { id: string; role: string; demoPin: string }[] }
    }
    const cashier = options.data.staff.find((member) => member.role === 'cashier')!
    const signedIn = (await hutong.invoke('auth.signIn', { staffId: cashier.id, pin: cashier.demoPin })) as {
      data: { token: string }
    }

    const events: EngineEvent[] = []
    const stop = hutong.onEvent((event) => events.push(event))
    const created = await hutong.invoke('orders.create', order, undefined, signedIn.data.token)
    expect(created).toMatchObject({ ok: true, data: { totalFen: 1234 } })
    orderId = (created as { data: { id: string } }).data.id
    await vi.waitFor(() => expect(events.map((event) => event.type)).toContain('order.created'))
    stop()

    // Outside the allow-list, the preload answers by itself: main is not asked.
    const handler = stand.ipcHandlers.get('hutong:invoke')!
    const spy = vi.fn(handler)
    stand.ipcHandlers.set('hutong:invoke', spy)
    try {
      expect(await hutong.invoke('db.exec', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_OPERATION' } })
      expect(spy).not.toHaveBeenCalled()
    } finally {
      stand.ipcHandlers.set('hutong:invoke', handler)
    }
  })

  it('refuses an invoke from a frame inside the console or from a page of another origin', async () => {
    const window = stand.windows[0]!
    const subframe = loadPreload(stand, window.webContents, {
      url: 'app://console/index.html',
      parent: window.webContents.mainFrame,
    })
    expect(await subframe.invoke('store.get', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
    const elsewhere = loadPreload(stand, window.webContents, { url: 'https://evil.example/', parent: null })
    expect(await elsewhere.invoke('store.get', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
    const otherContents = new StubWebContents()
    const stranger = loadPreload(stand, otherContents, { url: 'app://console/index.html', parent: null })
    expect(await stranger.invoke('store.get', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
  })

  it('stops the server and closes the engine with its last changes before quitting', async () => {
    expect(orderId).not.toBe('')
    app.quit()
    // The first quit is held while the books are written.
    expect(app.quitted).toBe(false)
    await vi.waitFor(() => expect(app.quitted).toBe(true), { timeout: 15_000, interval: 20 })
    expect(app.quitRequests).toBe(2)
    expect(closedDatabases).toEqual(
      expect.arrayContaining([join(dataDir, 'hutong.sqlite'), join(dataDir, 'simulator.sqlite')]),
    )
    await expect(fetch(`${localUrl}/api/health`)).rejects.toThrow()

    const Database = nativeRequire('better-sqlite3') as new (
      file: string,
      options: object,
    ) => { prepare(sql: string): { get(...args: unknown[]): unknown }; close(): void }
    const books = new Database(join(dataDir, 'hutong.sqlite'), { readonly: true })
    try {
      expect(books.prepare('SELECT total_fen FROM orders WHERE id = ?').get(orderId)).toEqual({ total_fen: 1234 })
    } finally {
      books.close()
    }
  })
})
