import { join } from 'node:path'
import { app, BrowserWindow, dialog, ipcMain, protocol, safeStorage, screen, session, shell } from 'electron'
import { createEngine, type Engine } from '../engine'
import { startServer, type RunningServer } from '../server'
import { tokenAtStart, tokenNotice } from '../server/apiTokenNotice'
import { loadServerConfig } from '../server/config'
import { createFileLogger, type FileLogger } from '../server/fileLog'
import { APP_VERSION } from '../server/version'
import {
  CONSOLE_SCHEME,
  CONSOLE_SCHEME_PRIVILEGES,
  createConsoleProtocolHandler,
  resolveConsoleUrl,
} from './consoleProtocol'
import { manageCustomerDisplay } from './displayWindow'
import { registerIpc } from './ipc'
import { registerPrinting } from './printing'
import { registerExportSaving } from './exports'
import { electronSqliteBinding } from './nativeBinding'
import { denyPermissionRequests, hardenWebContents } from './security'
import { safeStorageSecretBox } from './safeStorageBox'
import { closeBeforeQuit } from './shutdown'
import { openConsoleWindow } from './window'
import { REAL_WALLET_ADAPTERS } from '../engine/providers/real'

const rendererDir = join(__dirname, '../renderer')
const preloadFile = join(__dirname, '../preload/index.js')
const consoleUrl = (): string => resolveConsoleUrl(app.isPackaged, process.env.ELECTRON_RENDERER_URL)

let engine: Engine | null = null
let fileLog: FileLogger | null = null
let server: RunningServer | null = null
let mainWindow: BrowserWindow | null = null

const createConsoleWindow = (): BrowserWindow => openConsoleWindow(BrowserWindow, consoleUrl(), preloadFile)

/** The customer display on a second screen; a failure there never stops the till. */
function startCustomerDisplay(consoleWindow: BrowserWindow): void {
  try {
    const display = manageCustomerDisplay({ screen, Window: BrowserWindow, consoleUrl, preload: preloadFile })
    consoleWindow.on('closed', display.stop)
  } catch (error) {
    console.error(`[display] the customer display is off: ${String(error)}`)
  }
}

async function start(): Promise<void> {
  denyPermissionRequests(session.defaultSession)
  protocol.handle(CONSOLE_SCHEME, createConsoleProtocolHandler(rendererDir))
  const config = loadServerConfig(process.env)
  const dataDir = process.env.HUTONG_DATA_DIR?.trim() || join(app.getPath('userData'), 'data')
  fileLog = await createFileLogger(join(dataDir, 'logs'))
  engine = createEngine({
    dataDir,
    logger: fileLog.logger,
    logDir: fileLog.folder,
    nativeBinding: electronSqliteBinding(app),
    publicBaseUrl: config.publicBaseUrl,
    secretBox: safeStorageSecretBox(safeStorage),
    adapters: REAL_WALLET_ADAPTERS,
    backups: true,
  })
  const token = tokenAtStart(config, engine.apiTokens, process.argv)
  server = await startServer({ engine, config, apiToken: token.check, version: APP_VERSION, consoleDir: rendererDir })
  console.log(
    `Hutong Checkout ${APP_VERSION}: data in ${dataDir}; LAN server ${server.localUrl} (phones: ${server.publicBaseUrl})`,
  )
  for (const line of tokenNotice(token, server.localUrl)) console.log(line)
  registerIpc({ ipcMain, engine, consoleUrl, windows: () => BrowserWindow.getAllWindows() })
  registerPrinting({ ipcMain, Window: BrowserWindow, consoleUrl, windows: () => BrowserWindow.getAllWindows() })
  registerExportSaving({ ipcMain, engine, dialog, consoleUrl, windows: () => BrowserWindow.getAllWindows() })
  mainWindow = createConsoleWindow()
  startCustomerDisplay(mainWindow)
}

// The console's scheme gets its privileges before the app is ready, or not at all.
protocol.registerSchemesAsPrivileged([CONSOLE_SCHEME_PRIVILEGES])

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  hardenWebContents(app, consoleUrl, (url) => shell.openExternal(url))
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
  closeBeforeQuit(
    app,
    // The log file is closed after the engine, which may still report while it writes its last changes.
    () => ({ server, engine: engine && { close: () => engine!.close().finally(() => fileLog?.close()) } }),
    () => {
      server = null
      engine = null
    },
  )
}
