import type { BrowserWindow, BrowserWindowConstructorOptions, Display, Screen } from 'electron'
import { consoleWebPreferences } from './security'

/** The screen facing the customer: the first display that is not the primary one, or none. */
export function externalDisplay(displays: readonly Display[], primaryId: number): Display | null {
  return displays.find((display) => display.id !== primaryId) ?? null
}

/**
 * The customer display's page: the console's own, at its #/display route. The display shows the till whose
 * id the console keeps in this app's storage (the same origin as the console window).
 */
export function displayPageUrl(consoleUrl: string): string {
  const url = new URL(consoleUrl)
  url.hash = '#/display'
  return url.toString()
}

/** A frameless, full-screen window covering the external display; the same secure preferences as the console. */
export function displayWindowOptions(display: Display, preload: string): BrowserWindowConstructorOptions {
  const { x, y, width, height } = display.bounds
  return {
    x,
    y,
    width,
    height,
    frame: false,
    fullscreen: true,
    show: false,
    focusable: false,
    skipTaskbar: true,
    title: '互通收银台 · 客显',
    backgroundColor: '#ffffff',
    autoHideMenuBar: true,
    webPreferences: consoleWebPreferences(preload),
  }
}

export interface CustomerDisplayOptions {
  screen: Pick<Screen, 'getAllDisplays' | 'getPrimaryDisplay' | 'on' | 'removeListener'>
  Window: new (options: BrowserWindowConstructorOptions) => BrowserWindow
  consoleUrl: () => string
  preload: string
}

/**
 * Keeps a customer display window on the second screen: opened at start when one is attached and whenever one
 * is added, moved when the arrangement changes, closed when the screen is removed.
 */
export function manageCustomerDisplay({ screen, Window, consoleUrl, preload }: CustomerDisplayOptions): {
  window: () => BrowserWindow | null
  stop: () => void
} {
  let window: BrowserWindow | null = null
  let shownOn: number | null = null

  function close(): void {
    if (window && !window.isDestroyed()) window.destroy()
    window = null
    shownOn = null
  }

  function open(display: Display): void {
    const opened = new Window(displayWindowOptions(display, preload))
    opened.once('ready-to-show', () => opened.showInactive())
    opened.on('closed', () => {
      if (window === opened) close()
    })
    opened.loadURL(displayPageUrl(consoleUrl())).catch((error: unknown) => {
      console.error(`[display] the customer display could not be loaded: ${String(error)}`)
    })
    window = opened
    shownOn = display.id
  }

  function sync(): void {
    const target = externalDisplay(screen.getAllDisplays(), screen.getPrimaryDisplay().id)
    if (!target) return close()
    if (window && shownOn === target.id && !window.isDestroyed()) {
      window.setBounds(target.bounds)
      return
    }
    close()
    open(target)
  }

  sync()
  screen.on('display-added', sync)
  screen.on('display-removed', sync)
  screen.on('display-metrics-changed', sync)
  return {
    window: () => window,
    /** The console window closed: the display goes with it (and stays closed), so the app can quit. */
    stop: () => {
      screen.removeListener('display-added', sync)
      screen.removeListener('display-removed', sync)
      screen.removeListener('display-metrics-changed', sync)
      close()
    },
  }
}
