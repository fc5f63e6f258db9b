import { app, session, shell } from 'electron'

/** External pages the console may open in the user's browser (wallet merchant platforms). */
const EXTERNAL_ALLOW_LIST = new Set(['pay.weixin.qq.com', 'b.alipay.com', 'open.alipay.com', 'opendocs.alipay.com'])

export function openExternalSafely(url: string): void {
  try {
    const parsed = new URL(url)
    if (parsed.protocol === 'https:' && EXTERNAL_ALLOW_LIST.has(parsed.hostname)) void shell.openExternal(parsed.href)
  } catch {
    // Not a URL: ignore.
  }
}

/** True when a URL belongs to the console itself (the bundled page, or the dev server in development). */
export function isConsoleUrl(url: string, consoleUrl: string): boolean {
  try {
    const target = new URL(url)
    const own = new URL(consoleUrl)
    if (own.protocol === 'file:') return target.protocol === 'file:' && target.pathname === own.pathname
    return target.origin === own.origin
  } catch {
    // A URL that does not parse is not ours: navigation to it is refused.
    return false
  }
}

/** Electron's security checklist, applied to every web contents the app creates. */
export function hardenWebContents(consoleUrl: () => string): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isConsoleUrl(url, consoleUrl())) event.preventDefault()
    })
    contents.on('will-attach-webview', (event) => event.preventDefault())
    contents.setWindowOpenHandler(({ url }) => {
      openExternalSafely(url)
      return { action: 'deny' }
    })
  })
  app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  })
}
