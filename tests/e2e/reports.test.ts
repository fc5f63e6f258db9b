import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OperationOutput } from '../../src/shared/api/operations'
import { formatFen } from '../../src/shared/money'
import { launchChromium } from '../support/browser'
import { startHeadless } from '../support/headless'
import { openSignedIn } from '../support/console'

type Report = OperationOutput<'reports.get'>

let app: Awaited<ReturnType<typeof startHeadless>>
let browser: Browser

beforeAll(async () => {
  app = await startHeadless()
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

/** A sale paid on the simulator's WeChat page, or in cash at the counter. */
async function sale(lines: { sku: string; quantity: number }[], wallet: 'wechat' | 'cash'): Promise<string> {
  const order = (await app.api('POST', '/api/orders', { lines })).json as { id: string; totalFen: number }
  const payment = await app.api(
    'POST',
    `/api/orders/${order.id}/payments`,
    wallet === 'cash' ? { wallet, tenderedFen: order.totalFen } : { wallet },
  )
  expect(payment.status).toBe(201)
  if (wallet === 'wechat') await fetch(`${payment.json.qrContent as string}/confirm`, { method: 'POST' })
  await expect.poll(async () => (await app.api('GET', `/api/orders/${order.id}`)).json.status).toBe('paid')
  return order.id
}

async function today(): Promise<string> {
  return (await app.api('GET', '/api/days?count=1')).json.days[0].day as string
}

async function apiReport(query: string): Promise<Report> {
  return (await app.api('GET', `/api/reports?${query}`)).json as Report
}

const kpi = (page: Page, figure: string) => page.locator(`[data-testid="report-kpi"][data-figure="${figure}"]`)

/** How many pixels of a chart's canvas are drawn (not transparent). */
async function drawnPixels(page: Page, testid: string): Promise<number> {
  return page.getByTestId(testid).evaluate((root) => {
    const canvas = root.querySelector('canvas')
    const context = canvas?.getContext('2d')
    if (!canvas || !context || canvas.width === 0 || canvas.height === 0) return 0
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height)
    let drawn = 0
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) drawn++
    return drawn
  })
}

describe('the reports screen (经营报表)', () => {
  it('shows sales made through the API in cards, charts and their tables; range and grouping update it; en-US', async () => {
    const first = await sale([{ sku: 'BRK-004', quantity: 2 }], 'wechat')
    await sale(
      [
        { sku: 'BRK-004', quantity: 1 },
        { sku: 'BRK-001', quantity: 2 },
      ],
      'wechat',
    )
    await sale([{ sku: 'BRK-002', quantity: 3 }], 'cash')
    expect(
      (await app.api('POST', `/api/orders/${first}/refunds`, { amountFen: 300, reason: 'price_adjustment' })).status,
    ).toBe(201)
    const day = await today()
    const expected = (await apiReport(`from=${day}&to=${day}&granularity=hour`)).totals
    expect(expected).toMatchObject({ orders: 3, salesFen: 1600 + 800 + 300 + 750, refundsFen: 300 })

    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } })
    const page = await context.newPage()
    await openSignedIn(page, app, '/reports')
    await page.getByTestId('nav-reports').waitFor()

    // Last 30 days by day, first: today's row of the table and the cards hold the sales.
    await expect.poll(() => kpi(page, 'sales').getAttribute('data-value')).toBe(String(expected.salesFen))
    await expect.poll(() => kpi(page, 'orders').getAttribute('data-value')).toBe('3')
    expect(await kpi(page, 'sales').textContent()).toContain(formatFen(expected.salesFen))
    expect(await page.locator('[data-testid="report-preset"][data-preset="last30"]').getAttribute('aria-pressed')).toBe(
      'true',
    )
    const todayRow = page.locator(`[data-testid="report-sales-row"][data-key="${day}"]`)
    expect(await todayRow.getAttribute('data-sales')).toBe(String(expected.salesFen))
    expect(await todayRow.textContent()).toContain(formatFen(expected.netFen))
    await expect.poll(() => page.getByTestId('report-sales-row').count()).toBe(30)
    await expect.poll(() => drawnPixels(page, 'report-sales-chart')).toBeGreaterThan(500)
    await expect.poll(() => drawnPixels(page, 'report-methods-chart')).toBeGreaterThan(500)
    await expect.poll(() => drawnPixels(page, 'report-products-chart')).toBeGreaterThan(500)
    expect(
      await page.locator('[data-testid="report-method-row"][data-wallet="cash"]').getAttribute('data-received'),
    ).toBe('750')
    const topProduct = page.getByTestId('report-product-row').first()
    expect([await topProduct.getAttribute('data-name'), await topProduct.getAttribute('data-quantity')]).toEqual([
      '煎饼果子',
      '3',
    ])
    await page.screenshot({ path: 'test-results/screens/reports-1366.png', fullPage: true })

    // 今天: by hour of the day, 24 rows, the sales in the hour they were made.
    await page.locator('[data-testid="report-preset"][data-preset="today"]').click()
    await expect.poll(() => page.getByTestId('report-sales-row').count()).toBe(24)
    const hours = await page
      .getByTestId('report-sales-row')
      .evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-sales'))).filter((fen) => fen > 0))
    expect(hours.reduce((sum, fen) => sum + fen, 0)).toBe(expected.salesFen)
    expect(page.url()).toContain(`from=${day}&to=${day}&g=hour`)
    // Compared with yesterday, when nothing was sold: no percentage to show.
    const change = kpi(page, 'sales').getByTestId('report-kpi-change')
    expect([await change.getAttribute('data-bp'), (await change.textContent())?.trim()]).toEqual([
      '',
      '较上一周期 上一周期无数据',
    ])

    // By month: one row, the whole range.
    await page.locator('[data-testid="report-granularity"][data-reason="month"]').click()
    await expect.poll(() => page.getByTestId('report-sales-row').count()).toBe(1)
    expect(await page.getByTestId('report-sales-row').getAttribute('data-key')).toBe(day.slice(0, 7))

    // A sale made meanwhile shows without reloading: the screen follows the engine's events.
    await sale([{ sku: 'BRK-003', quantity: 1 }], 'cash')
    await expect.poll(() => kpi(page, 'orders').getAttribute('data-value'), { timeout: 10_000 }).toBe('4')

    // Yesterday had nothing: the cards say so, and the sales row for it is zero.
    await page.locator('[data-testid="report-preset"][data-preset="yesterday"]').click()
    await expect.poll(() => kpi(page, 'sales').getAttribute('data-value')).toBe('0')

    // In English the same figures read in English.
    await page.locator('[data-testid="report-preset"][data-preset="thisMonth"]').click()
    await page.getByTestId('locale-switch').click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Business report')
    await expect.poll(() => kpi(page, 'sales').textContent()).toContain('Sales')
    expect(await page.getByTestId('report-sales-table').textContent()).toContain('Net')
    expect(await page.locator('[data-testid="report-preset"][data-preset="lastMonth"]').textContent()).toContain(
      'Last month',
    )

    for (const [width, height] of [
      [1024, 768],
      [1920, 1080],
    ] as const) {
      await page.setViewportSize({ width, height })
      await page.waitForTimeout(300)
      await page.screenshot({ path: `test-results/screens/reports-${width}.png`, fullPage: true })
    }
    await context.close()
  }, 120_000)

  it('a cashier has no reports: no nav entry, and the address leads back to the register', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } })
    const page = await context.newPage()
    await openSignedIn(page, app, '/reports', { as: 'cashier' })
    await page.getByTestId('nav-cashier').waitFor()
    expect(await page.getByTestId('nav-reports').count()).toBe(0)
    expect(await page.getByTestId('reports-view').count()).toBe(0)
    await context.close()
  }, 60_000)
})
