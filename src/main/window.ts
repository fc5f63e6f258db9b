import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron'
import { consoleWebPreferences } from './security'

/** The console window: a till-sized window, shown once its first paint is ready. */
export function consoleWindowOptions(preload: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 680,
    show: false,
    title: '互通收银台',
    backgroundColor: '#f5f5f5',
    autoHideMenuBar: true,
    webPreferences: consoleWebPreferences(preload),
  }
}

/** Opens the console window on the given page. */
export function openConsoleWindow(
  Window: new (options: BrowserWindowConstructorOptions) => BrowserWindow,
  url: string,
  preload: string,
): BrowserWindow {
  const window = new Window(consoleWindowOptions(preload))
  window.once('ready-to-show', () => window.show())
  window.loadURL(url).catch((error: unknown) => {
    console.error(`[window] the console could not be loaded from ${url}: ${String(error)}`)
  })
  return window
}
