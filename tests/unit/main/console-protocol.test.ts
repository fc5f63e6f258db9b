import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  CONSOLE_CSP,
  CONSOLE_ENTRY_URL,
  CONSOLE_SCHEME_PRIVILEGES,
  consoleFilePath,
  contentTypeFor,
  createConsoleProtocolHandler,
  resolveConsoleUrl,
} from '../../../src/main/consoleProtocol'

let base: string
let root: string
let handler: ReturnType<typeof createConsoleProtocolHandler>
const get = (url: string, method = 'GET') => handler({ url, method })

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'hutong-protocol-'))
  root = join(base, 'renderer')
  mkdirSync(join(root, 'assets'), { recursive: true })
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>console</title>')
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'export const x = 1\n')
  writeFileSync(join(root, 'assets', 'index-abc.css'), 'body{}\n')
  writeFileSync(join(root, 'assets', 'font.woff2'), Buffer.from([0x77, 0x4f, 0x46, 0x32]))
  // What a page must never reach: files beside and above the console's folder.
  writeFileSync(join(base, 'secret.txt'), 'SECRET')
  mkdirSync(join(base, 'main'))
  writeFileSync(join(base, 'main', 'index.js'), 'SECRET')
  handler = createConsoleProtocolHandler(root)
})

afterAll(() => rmSync(base, { recursive: true, force: true }))

describe('the app:// scheme', () => {
  it('is registered as a standard, secure scheme that supports fetch', () => {
    expect(CONSOLE_SCHEME_PRIVILEGES).toEqual({
      scheme: 'app',
      privileges: { standard: true, secure: true, supportFetchAPI: true },
    })
  })

  it('is where the window loads the console from, unless a dev server runs', () => {
    expect(CONSOLE_ENTRY_URL).toBe('app://console/index.html')
    expect(resolveConsoleUrl(false, undefined)).toBe('app://console/index.html')
    expect(resolveConsoleUrl(false, 'http://localhost:5173')).toBe('http://localhost:5173')
    // A packaged app never follows the variable; a value that is not a web address is ignored.
    expect(resolveConsoleUrl(true, 'http://localhost:5173')).toBe('app://console/index.html')
    expect(resolveConsoleUrl(false, 'file:///tmp/index.html')).toBe('app://console/index.html')
    expect(resolveConsoleUrl(false, '')).toBe('app://console/index.html')
  })
})

describe('serving the console over app://', () => {
  it('serves the page with its type and the console policy', async () => {
    const response = await get('app://console/index.html')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('content-security-policy')).toBe(CONSOLE_CSP)
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await response.text()).toBe('<!doctype html><title>console</title>')
  })

  it('answers the bare host and routes after # with the page', async () => {
    for (const url of ['app://console/', 'app://console', 'app://console/index.html?x=1#/orders']) {
      const response = await get(url)
      expect(response.status, url).toBe(200)
      expect(response.headers.get('content-type'), url).toBe('text/html; charset=utf-8')
    }
  })

  it('serves scripts, styles and fonts with the types module scripts and CSS need', async () => {
    const script = await get('app://console/assets/index-abc.js')
    expect(script.status).toBe(200)
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await script.text()).toBe('export const x = 1\n')
    expect((await get('app://console/assets/index-abc.css')).headers.get('content-type')).toBe(
      'text/css; charset=utf-8',
    )
    const font = await get('app://console/assets/font.woff2')
    expect(font.headers.get('content-type')).toBe('font/woff2')
    expect(Buffer.from(await font.arrayBuffer())).toEqual(Buffer.from([0x77, 0x4f, 0x46, 0x32]))
    // The policy belongs to documents; assets do not need it.
    expect(script.headers.get('content-security-policy')).toBeNull()
  })

  it('answers HEAD without a body and refuses writes', async () => {
    const head = await get('app://console/index.html', 'HEAD')
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
    expect((await get('app://console/index.html', 'POST')).status).toBe(405)
    expect((await get('app://console/index.html', 'PUT')).status).toBe(405)
  })

  it('does not find files the console does not have, nor folders, nor other hosts', async () => {
    expect((await get('app://console/missing.js')).status).toBe(404)
    expect((await get('app://console/assets')).status).toBe(404)
    expect((await get('app://console/assets/')).status).toBe(404)
    expect((await get('app://other/index.html')).status).toBe(404)
  })

  it('never reads outside the console folder', async () => {
    for (const url of [
      'app://console/../secret.txt',
      'app://console/%2e%2e/secret.txt',
      'app://console/..%2fsecret.txt',
      'app://console/..%2Fmain%2Findex.js',
      'app://console/assets/..%2f..%2fsecret.txt',
      'app://console/..%5csecret.txt',
      'app://console/assets/%2e%2e%5c%2e%2e%5csecret.txt',
      'app://console/index.html%00.js',
      'app://console/%E0%A4%A',
    ]) {
      const response = await get(url)
      expect([403, 404], url).toContain(response.status)
      expect(await response.text(), url).not.toContain('SECRET')
    }
    expect(consoleFilePath(root, 'app://console/..%2fsecret.txt')).toEqual({ refused: 'forbidden' })
    expect(consoleFilePath(root, 'app://console/..%5csecret.txt')).toEqual({ refused: 'forbidden' })
  })

  it('maps each path to the file of that name under the console folder', () => {
    expect(consoleFilePath(root, 'app://console/assets/index-abc.js')).toEqual({
      file: join(root, 'assets', 'index-abc.js'),
    })
    expect(consoleFilePath(root, 'app://console/')).toEqual({ file: join(root, 'index.html') })
    expect(consoleFilePath(root, 'app://console/assets/./index-abc.js')).toEqual({
      file: join(root, 'assets', 'index-abc.js'),
    })
  })
})

describe('content types', () => {
  it('names each kind of file in the built console', () => {
    expect(contentTypeFor('index.html')).toBe('text/html; charset=utf-8')
    expect(contentTypeFor('a.JS')).toBe('text/javascript; charset=utf-8')
    expect(contentTypeFor('a.mjs')).toBe('text/javascript; charset=utf-8')
    expect(contentTypeFor('a.css')).toBe('text/css; charset=utf-8')
    expect(contentTypeFor('a.svg')).toBe('image/svg+xml')
    expect(contentTypeFor('a.png')).toBe('image/png')
    expect(contentTypeFor('a.woff')).toBe('font/woff')
    expect(contentTypeFor('a.json')).toBe('application/json; charset=utf-8')
    expect(contentTypeFor('a.wasm')).toBe('application/wasm')
    expect(contentTypeFor('README')).toBe('application/octet-stream')
  })
})
