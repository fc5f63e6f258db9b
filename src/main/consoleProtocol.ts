import { readFile } from 'node:fs/promises'
import { extname, isAbsolute, join, relative } from 'node:path'
import type { CustomScheme } from 'electron'
import { CONSOLE_CSP } from '../shared/consolePolicy'

/**
 * The console is served from app://console/ rather than file://: a standard, secure scheme gives it an origin of
 * its own (file:// pages share one and get extra privileges), and the handler below decides exactly which files
 * can be read and with which headers.
 */
export const CONSOLE_SCHEME = 'app'
export const CONSOLE_HOST = 'console'
export const CONSOLE_ENTRY_URL = `${CONSOLE_SCHEME}://${CONSOLE_HOST}/index.html`

/** Registered before the app is ready (Electron refuses it later). */
export const CONSOLE_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: CONSOLE_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
}

export { CONSOLE_CSP }

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
}

/** The Content-Type for a file of the built console; unknown kinds are served as opaque bytes. */
export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
}

export type ConsolePath = { file: string } | { refused: 'not-found' | 'forbidden' }

/**
 * Maps app://console/<path> to a file under the built console. Another host is not found; a path that would leave
 * the folder (dot-dot segments, also percent-encoded or with backslashes), or holds a NUL byte, is forbidden.
 */
export function consoleFilePath(rootDir: string, url: string): ConsolePath {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return { refused: 'not-found' }
  }
  if (parsed.protocol !== `${CONSOLE_SCHEME}:` || parsed.host.toLowerCase() !== CONSOLE_HOST) {
    return { refused: 'not-found' }
  }
  let path: string
  try {
    path = decodeURIComponent(parsed.pathname)
  } catch {
    return { refused: 'forbidden' }
  }
  const segments = path.split(/[\\/]+/).filter((segment) => segment !== '' && segment !== '.')
  if (path.includes('\0') || segments.includes('..')) return { refused: 'forbidden' }
  if (segments.length === 0) segments.push('index.html')
  const file = join(rootDir, ...segments)
  const inside = relative(rootDir, file)
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return { refused: 'forbidden' }
  return { file }
}

/** What the handler reads from a request (Electron hands it a fetch Request). */
export type ConsoleRequest = Pick<Request, 'url' | 'method'>

const BASE_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' }

function refusal(status: 403 | 404 | 405): Response {
  return new Response(null, { status, headers: { ...BASE_HEADERS, 'Cache-Control': 'no-store' } })
}

/** The app:// handler: the built console's files, read-only, with their types and the console's policy. */
export function createConsoleProtocolHandler(
  rootDir: string,
  read: (file: string) => Promise<Uint8Array> = readFile,
): (request: ConsoleRequest) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refusal(405)
    const target = consoleFilePath(rootDir, request.url)
    if ('refused' in target) return refusal(target.refused === 'forbidden' ? 403 : 404)
    let body: Uint8Array
    try {
      body = await read(target.file)
    } catch {
      // Missing, a folder, or unreadable: the console has no such file.
      return refusal(404)
    }
    const type = contentTypeFor(target.file)
    const headers: Record<string, string> = { ...BASE_HEADERS, 'Content-Type': type }
    if (type.startsWith('text/html')) {
      headers['Content-Security-Policy'] = CONSOLE_CSP
      headers['Cache-Control'] = 'no-store'
    }
    return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers })
  }
}

/**
 * The page the window loads: the dev server while developing (electron-vite sets ELECTRON_RENDERER_URL), else
 * the built console over app://.
 */
export function resolveConsoleUrl(isPackaged: boolean, devServerUrl: string | undefined): string {
  if (!isPackaged && devServerUrl && /^https?:\/\//i.test(devServerUrl)) return devServerUrl
  return CONSOLE_ENTRY_URL
}
