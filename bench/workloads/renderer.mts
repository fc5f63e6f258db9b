import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { findChromium } from '../../tests/support/chromiumPath'
import { signInThroughUi } from '../../tests/support/console'
import { result, type BenchResult } from '../lib/report.mjs'
import { launchBenchChromium, OUT, startBenchServe } from '../lib/benchServe.mjs'

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

  const serve = await startBenchServe()
  try {
    const browser = await launchBenchChromium(chromiumPath)
    // The till opens on the sign-in screen; the cashier's PIN then opens the cashier screen.
    const toSignIn: number[] = []
    const toCashier: number[] = []
    for (let i = 0; i < 6; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
      const page = await context.newPage()
      const start = Date.now()
      await page.goto(`${serve.base}/?token=${serve.token}`)
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
    serve.stop()
  }
}
