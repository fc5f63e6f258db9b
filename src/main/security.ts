import type { App, IpcMainInvokeEvent, Session, WebContents, WebPreferences } from 'electron'

/** External pages the console may open in the user's browser (wallet merchant platforms). */
export const EXTERNAL_ALLOW_LIST: ReadonlySet<string> = new Set([
  'pay.weixin.qq.com',
  'b.alipay.com',
  'open.alipay.com',
  'opendocs.alipay.com',
])

/** The console window's web preferences: Electron's security checklist, with the preload as the only bridge. */
export function consoleWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  }
}

/**
 * The page the user's browser may open for a link in the console: an https page of an allow-listed host on the
 * default port, without credentials in it. Null for anything else.
 */
export function externalUrlAllowed(url: string): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    // Not a URL: nothing to open.
    return null
  }
  if (parsed.protocol !== 'https:' || parsed.port !== '' || parsed.username !== '' || parsed.password !== '') {
    return null
  }
  return EXTERNAL_ALLOW_LIST.has(parsed.hostname) ? parsed.href : null
}

/** Hands an allow-listed page to the user's browser; anything else is dropped. Returns whether it was handed on. */
export function openExternalSafely(url: string, openExternal: (url: string) => Promise<void>): boolean {
  const allowed = externalUrlAllowed(url)
  if (allowed === null) return false
  openExternal(allowed).catch((error: unknown) => {
    console.error(`[shell] could not open ${allowed}: ${error instanceof Error ? error.message : String(error)}`)
  })
  return true
}

/**
 * True when a URL belongs to the console itself: the same scheme and host (with port) as the console's own page
 * (app://console, or the dev server in development). Compared by parts: a custom scheme's URL has an opaque
 * origin ("null") in the URL standard, so comparing origins would let every such URL pass.
 */
export function isConsoleUrl(url: string, consoleUrl: string): boolean {
  try {
    const target = new URL(url)
    const own = new URL(consoleUrl)
    if (own.host === '') return false
    return target.protocol === own.protocol && target.host === own.host
  } catch {
    // A URL that does not parse is not ours.
    return false
  }
}

/** The part of an IPC event the sender check reads. */
export type IpcSender = Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>

/**
 * Whether an IPC call comes from the console: the top frame (not a frame inside it) of one of the console's own
 * windows, showing a page of the console's origin.
 */
export function isConsoleSender(
  event: IpcSender,
  consoleUrl: string,
  consoleContents: readonly Pick<WebContents, 'id'>[],
): boolean {
  const frame = event.senderFrame
  if (!frame || frame.parent !== null) return false
  if (!consoleContents.some((contents) => contents.id === event.sender.id)) return false
  return isConsoleUrl(frame.url, consoleUrl)
}

/** The guards every web contents gets: no navigation off the console, no new windows, no webviews. */
export function guardWebContents(
  contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>,
  consoleUrl: () => string,
  openExternal: (url: string) => Promise<void>,
): void {
  contents.on('will-navigate', (event, url) => {
    if (!isConsoleUrl(url, consoleUrl())) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    openExternalSafely(url, openExternal)
    return { action: 'deny' }
  })
}

/** Applies the guards to every web contents the app creates, from the first window on. */
export function hardenWebContents(
  app: Pick<App, 'on'>,
  consoleUrl: () => string,
  openExternal: (url: string) => Promise<void>,
): void {
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, consoleUrl, openExternal))
}

/** The console needs no camera, microphone, notifications, location or the like: every request is refused. */
export function denyPermissionRequests(session: Pick<Session, 'setPermissionRequestHandler'>): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
}
