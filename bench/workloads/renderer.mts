import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { chromium } from 'playwright-core'
import { findChromium } from '../../tests/support/chromiumPath'
import { signInThroughUi } from '../../tests/support/console'
import { result, type BenchResult } from '../lib/report.mjs'

const OUT = join(process.cwd(), 'out')

/** Production bundle sizes, and how long until the cashier screen is interactive in Chromium (serve mode). */
export async function renderer(): Promise<BenchResult[]> {
  if (!existsSync(join(OUT, 'renderer', 'index.html')) || !existsSync(join(OUT, 'main', 'serve.js'))) {
    return [result('renderer', 0, '', null, { note: 'skipped: run `npm run build` first' })]
  }
  const assets = join(OUT, 'renderer', 'assets')
  const html = readFileSync(join(OUT, 'renderer', 'index.html'), 'utf8')
  const initial = [...html.matchAll(/(?:src|href)="\.\/assets\/([^"]+\.js)"/g)].map((m) => m[1]!)
  const gzip = (file: string) => gzipSync(readFileSync(join(assets, file))).length / 1024
  const initialKb = initial.reduce((sum, f) => sum + gzip(f), 0)
  const allJsKb = readdirSync(assets)
    .filter((f) => f.endsWith('.js'))
    .reduce((sum, f) => sum + gzip(f), 0)
  const out = [
    result('renderer: initial JS (gzip)', initialKb, 'KB', { op: '<', value: 500 }),
    result('renderer: all JS (gzip)', allJsKb, 'KB', null),
  ]
  const chromiumPath = findChromium()
  if (!chromiumPath)
    return [...out, result('renderer: time to interactive', 0, '', null, { note: 'skipped: no Chromium' })]

  const dir = mkdtempSync(join(tmpdir(), 'hutong-bench-ui-'))
  const port = 5300 + Math.floor(Math.random() * 500)
  const child = spawn(process.execPath, [join(OUT, 'main', 'serve.js')], {
    env: { ...process.env, HUTONG_DATA_DIR: dir, HUTONG_PORT: String(port), HUTONG_API_TOKEN: 'bench-ui-token' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  try {
    await new Promise<void>((resolve, reject) => {
      let text = ''
      child.stdout!.on('data', (chunk: Buffer) => {
        text += chunk.toString()
        if (text.includes('READY')) resolve()
      })
      child.once('exit', (code) => reject(new Error(`serve exited ${code}`)))
    })
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    })
    // The till opens on the sign-in screen; the cashier's PIN then opens the cashier screen.
    const toSignIn: number[] = []
    const toCashier: number[] = []
    for (let i = 0; i < 6; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
      const page = await context.newPage()
      const start = Date.now()
      await page.goto(`http://127.0.0.1:${port}/?token=bench-ui-token`)
      await page.getByTestId('staff-tile').first().click({ trial: true })
      const shown = Date.now()
      await signInThroughUi(page, 'cashier')
      await page.getByTestId('product-tile').first().click({ trial: true })
      if (i > 0) toSignIn.push(shown - start)
      if (i > 0) toCashier.push(Date.now() - shown)
      await context.close()
    }
    await browser.close()
    const p50 = (times: number[]) => times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!
    out.push(
      result('renderer: time to interactive sign-in screen (serve mode) p50', p50(toSignIn), 'ms', {
        op: '<',
        value: 1000,
      }),
      result('renderer: PIN entered to interactive cashier screen p50', p50(toCashier), 'ms', null, {
        note: 'includes the PIN check (scrypt, about 50 ms)',
      }),
    )
    return out
  } finally {
    child.kill('SIGTERM')
    rmSync(dir, { recursive: true, force: true })
  }
}
