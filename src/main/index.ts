import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { app, BrowserWindow, dialog } from 'electron'
import { createEngine, type Engine } from '../engine'
import { startServer, type RunningServer } from '../server'
import { loadServerConfig } from '../server/config'
import { APP_VERSION } from '../server/version'
import { registerIpc } from './ipc'
import { electronSqliteBinding } from './nativeBinding'
import { hardenWebContents } from './security'
import { safeStorageSecretBox } from './safeStorageBox'
import { REAL_WALLET_ADAPTERS } from '../engine/providers/real'

const rendererDir = join(__dirname, '../renderer')
const consoleUrl = (): string =>
  !app.isPackaged && process.env.ELECTRON_RENDERER_URL
    ? process.env.ELECTRON_RENDERER_URL
    : pathToFileURL(join(rendererDir, 'index.html')).href

let engine: Engine | null = null
let server: RunningServer | null = null
let mainWindow: BrowserWindow | null = null

function createConsoleWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 680,
    show: false,
    title: '互通收银台',
    backgroundColor: '#f5f5f5',
    autoHideMenuBar: true,
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  })
  window.once('ready-to-show', () => window.show())
  void window.loadURL(consoleUrl())
  return window
}

async function start(): Promise<void> {
  const config = loadServerConfig(process.env)
  const dataDir = process.env.HUTONG_DATA_DIR?.trim() || join(app.getPath('userData'), 'data')
  engine = createEngine({
    dataDir,
    nativeBinding: electronSqliteBinding(),
    publicBaseUrl: config.publicBaseUrl,
    secretBox: safeStorageSecretBox(),
    adapters: REAL_WALLET_ADAPTERS,
  })
  const apiToken = config.apiToken ?? engine.apiToken()
  server = await startServer({ engine, config, apiToken, version: APP_VERSION, consoleDir: rendererDir })
  console.log(
    `Hutong Checkout ${APP_VERSION}: data in ${dataDir}; LAN server ${server.localUrl} (phones: ${server.publicBaseUrl})`,
  )
  console.log(`Integrator API token: ${apiToken}`)
  registerIpc(engine, consoleUrl, () => BrowserWindow.getAllWindows())
  mainWindow = createConsoleWindow()
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  hardenWebContents(consoleUrl)
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore()
      mainWindow.focus()
    }
  })
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      dialog.showErrorBox(
        '互通收银台无法启动 / Hutong Checkout could not start',
        error instanceof Error ? error.message : String(error),
      )
      app.exit(1)
    })
  app.on('activate', () => {
    if (engine && BrowserWindow.getAllWindows().length === 0) mainWindow = createConsoleWindow()
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  let shuttingDown = false
  app.on('before-quit', (event) => {
    if (shuttingDown || (!server && !engine)) return
    event.preventDefault()
    shuttingDown = true
    void (async () => {
      // Open connections are cut at exit anyway; what matters is that the engine writes its last changes.
      await server?.close().catch((error: unknown) => console.error(`[server] closing failed: ${String(error)}`))
      await engine?.close().catch((error: unknown) => {
        console.error(
          `[engine] the last changes could not be written: ${error instanceof Error ? error.message : String(error)}`,
        )
      })
      server = null
      engine = null
      app.quit()
    })()
  })
}
