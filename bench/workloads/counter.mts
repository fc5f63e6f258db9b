import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { findChromium } from '../../tests/support/chromiumPath'
import { signInThroughUi } from '../../tests/support/console'
import { percentiles } from '../lib/measure.mjs'
import { result, type BenchResult } from '../lib/report.mjs'
import { launchBenchChromium, OUT, startBenchServe, type BenchServe } from '../lib/benchServe.mjs'

const ROUNDS = 21
/** The simulator's pay page takes a WeChat payment from WeChat's own browser. */
const WECHAT_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) MicroMessenger/8.0.49'

/** The page's own storage, read in the page (a browser global, unknown to these Node-typed modules). */
type PageStorage = { localStorage: { getItem(key: string): string | null } }

/**
 * A cashier's steps at the counter, timed in Chromium against the headless app: 收款 → the payment options, 确认 →
 * the QR code, and the customer's payment → the customer display saying paid. The first round warms up.
 */
export async function counter(): Promise<BenchResult[]> {
  const chromiumPath = findChromium()
  if (!chromiumPath || !existsSync(join(OUT, 'main', 'serve.js')))
    return [result('counter', 0, '', null, { note: 'skipped: needs `npm run build` and Chromium' })]
  const serve = await startBenchServe()
  const browser = await launchBenchChromium(chromiumPath)
  try {
    const till = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage()
    await till.goto(`${serve.base}/?token=${serve.token}`)
    await signInThroughUi(till, 'cashier')
    const tillId = (await till.evaluate(
      () => JSON.parse((globalThis as unknown as PageStorage).localStorage.getItem('hutong.till') ?? '{}').id,
    )) as string
    const display = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage()
    await display.goto(`${serve.base}/?token=${serve.token}#/display?till=${encodeURIComponent(tillId)}`)
    await display.getByTestId('customer-display').waitFor()
    const times = { options: [] as number[], qr: [] as number[], displayPaid: [] as number[] }
    for (let round = 0; round < ROUNDS; round++) {
      const sale = await oneSale(till, display, serve)
      if (round > 0) for (const key of Object.keys(times) as (keyof typeof times)[]) times[key].push(sale[key])
    }
    return [
      ...timed('counter: click 收款 → payment options visible', times.options, 150),
      ...timed('counter: confirm → QR code visible', times.qr, 150),
      ...timed('counter: customer pays → customer display shows paid', times.displayPaid, 200),
    ]
  } finally {
    await browser.close()
    serve.stop()
  }
}

function timed(name: string, samples: number[], goalP95: number): BenchResult[] {
  const sorted = [...samples].sort((a, b) => a - b)
  const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!
  return [
    result(`${name} p50`, percentiles(samples).p50, 'ms', null),
    result(`${name} p95`, p95, 'ms', { op: '<', value: goalP95 }, { note: `${samples.length} sales, Chromium` }),
  ]
}

async function oneSale(till: Page, display: Page, serve: BenchServe) {
  await till.locator('[data-testid="product-tile"][data-sku="DRK-001"]').click()
  let start = performance.now()
  await till.getByTestId('charge-button').click()
  await till.locator('[data-testid="wallet-option"][data-wallet="wechat"][data-available="true"]').waitFor()
  const options = performance.now() - start

  await till.locator('[data-testid="wallet-option"][data-wallet="wechat"]').click()
  start = performance.now()
  await till.getByTestId('pay-button').click()
  await till.getByTestId('payment-qr').first().waitFor({ state: 'visible' })
  const qr = performance.now() - start

  await display.locator('[data-testid="customer-display"][data-phase="paying"]').waitFor()
  const content = await qrContentOfLatestOrder(serve)
  start = performance.now()
  const paid = await fetch(`${content}/confirm`, {
    method: 'POST',
    headers: { 'User-Agent': WECHAT_UA },
    redirect: 'manual',
  })
  if (paid.status !== 303) throw new Error(`the simulator did not take the payment: ${paid.status}`)
  await display.locator('[data-testid="customer-display"][data-phase="paid"]').waitFor()
  const displayPaid = performance.now() - start
  // The till must have shown the payment too: Esc on a live code asks first, and the sale would never end.
  await till.getByTestId('receipt').waitFor()
  await till.keyboard.press('Escape')
  await till.getByTestId('product-tile').first().waitFor()
  return { options, qr, displayPaid }
}

async function qrContentOfLatestOrder(serve: BenchServe): Promise<string> {
  const headers = { Authorization: `Bearer ${serve.token}` }
  const { orders } = (await (await fetch(`${serve.base}/api/orders?limit=1`, { headers })).json()) as {
    orders: { id: string }[]
  }
  const order = (await (await fetch(`${serve.base}/api/orders/${orders[0]!.id}`, { headers })).json()) as {
    attempts: { status: string; qrContent: string | null }[]
  }
  const live = order.attempts.find((attempt) => attempt.status === 'pending' && attempt.qrContent)
  if (!live) throw new Error('no live QR code on the latest order')
  return live.qrContent!
}
