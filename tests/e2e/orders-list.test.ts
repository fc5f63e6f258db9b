import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OrderDetail } from '../../src/shared/api/types'
import { AxeBuilder } from '@axe-core/playwright'
import { launchChromium } from '../support/browser'
import { startHeadless } from '../support/headless'
import { openSignedIn } from '../support/console'

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

async function orderDetail(id: string): Promise<OrderDetail> {
  return (await app.api('GET', `/api/orders/${id}`)).json as OrderDetail
}

/** An order paid with WeChat on the simulator: the customer confirms on the wallet's phone page. */
async function paidOrder(lines: { sku: string; quantity: number }[]): Promise<OrderDetail> {
  const order = (await app.api('POST', '/api/orders', { lines })).json as { id: string }
  const payment = await app.api('POST', `/api/orders/${order.id}/payments`, { wallet: 'wechat' })
  expect(payment.status).toBe(201)
  const confirmed = await fetch(`${payment.json.qrContent as string}/confirm`, { method: 'POST' })
  expect(await confirmed.text()).toContain('支付成功')
  await expect.poll(async () => (await orderDetail(order.id)).status).toBe('paid')
  return orderDetail(order.id)
}

async function rows(page: Page) {
  return page.getByTestId('order-row')
}

async function total(page: Page, figure: string): Promise<number> {
  return Number(await page.locator(`[data-testid="order-total"][data-figure="${figure}"]`).getAttribute('data-value'))
}

describe('the orders list', () => {
  it("opens on today's orders with day numbers, totals, badges and the 模拟 mark; finds #2; another day is empty", async () => {
    // Two sales today: 煎饼果子 ¥8.00 (¥3.00 of it refunded), then 豆浆 ×2 ¥8.00 after asking a friend to pay.
    const first = await paidOrder([{ sku: 'BRK-004', quantity: 1 }])
    const refund = await app.api('POST', `/api/orders/${first.id}/refunds`, {
      amountFen: 300,
      reason: 'price_adjustment',
    })
    expect(refund.json).toMatchObject({ status: 'succeeded' })
    const drinks = (await app.api('POST', '/api/orders', { lines: [{ sku: 'DRK-001', quantity: 2 }] })).json as {
      id: string
    }
    const asked = await app.api('POST', `/api/orders/${drinks.id}/friend-pay`, { requesterName: '王小明' })
    expect(asked.status).toBe(201)
    const paidAtCounter = await app.api('POST', `/api/orders/${drinks.id}/payments`, { wallet: 'wechat' })
    await fetch(`${paidAtCounter.json.qrContent as string}/confirm`, { method: 'POST' })
    await expect.poll(async () => (await orderDetail(drinks.id)).status).toBe('paid')

    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } })
    const page = await context.newPage()
    await openSignedIn(page, app, '/orders', { as: 'cashier' })
    const list = await rows(page)
    await expect.poll(() => list.count()).toBe(2)

    // Newest first: #0002 then #0001, each with a short id that keeps the tail of the full one.
    expect(await list.getByTestId('order-day-number').allTextContents()).toEqual(['#0002', '#0001'])
    const firstRow = page.locator(`[data-testid="order-row"][data-order-id="${first.id}"]`)
    expect(await firstRow.textContent()).toContain(first.id.slice(-6))
    expect(await firstRow.textContent()).not.toContain(first.id)

    expect(await total(page, 'count')).toBe(2)
    expect(await total(page, 'paid')).toBe(1600)
    expect(await total(page, 'refunded')).toBe(300)
    expect(await total(page, 'net')).toBe(1300)
    const totalsText = await page.getByTestId('order-totals').textContent()
    for (const text of ['¥16.00', '¥3.00', '¥13.00']) expect(totalsText).toContain(text)

    expect(await firstRow.getByTestId('order-badge-refund').getAttribute('data-refund')).toBe('partial')
    expect(await firstRow.getByTestId('order-badge-refund').textContent()).toBe('已退 ¥3.00')
    expect(await firstRow.textContent()).toContain('部分退款')
    expect(await firstRow.getByTestId('order-badge-friend').count()).toBe(0)
    const drinksRow = page.locator(`[data-testid="order-row"][data-order-id="${drinks.id}"]`)
    expect(await drinksRow.getByTestId('order-badge-friend').textContent()).toBe('代付')
    expect(await drinksRow.getByTestId('order-badge-refund').count()).toBe(0)
    for (const row of [firstRow, drinksRow]) {
      expect(await row.getByTestId('order-mode-mark').textContent()).toBe('模拟')
    }
    await page.screenshot({ path: 'test-results/screens/orders-today-1366.png' })

    // The detail: the full id (copyable), its number and the same loud mark.
    await firstRow.click()
    const detail = page.getByTestId('order-detail')
    await detail.waitFor()
    expect(await detail.getByTestId('order-detail-id').textContent()).toBe(first.id)
    expect(await detail.getByTestId('order-detail-number').textContent()).toBe('#0001')
    expect(await detail.getByTestId('order-mode-mark').textContent()).toBe('模拟')
    expect(await detail.getByTestId('order-copy-id').isVisible()).toBe(true)
    await page.screenshot({ path: 'test-results/screens/orders-detail-1366.png' })
    await page.keyboard.press('Escape')
    await detail.waitFor({ state: 'hidden' })

    // Search by the day's number, typed as a cashier says it.
    await page.keyboard.press('/')
    await page.keyboard.type('#2')
    await expect.poll(() => list.count()).toBe(1)
    expect(await list.first().getAttribute('data-order-id')).toBe(drinks.id)
    expect(await total(page, 'count')).toBe(1)
    expect(await total(page, 'paid')).toBe(800)
    await page.getByTestId('orders-search').press('Escape')
    await expect.poll(() => list.count()).toBe(2)

    // The day before has nothing; the keyboard steps back to today.
    await page.getByTestId('orders-prev-day').click()
    await page.getByTestId('orders-empty').waitFor()
    expect(await list.count()).toBe(0)
    expect(await total(page, 'count')).toBe(0)
    expect(await total(page, 'net')).toBe(0)
    // A search on a day without a match offers every day, where it finds today's order.
    await page.getByTestId('orders-search').fill(first.id.slice(-6))
    await page.getByTestId('orders-search-all-days').click()
    await expect.poll(() => list.count()).toBe(1)
    expect(await list.first().getAttribute('data-order-id')).toBe(first.id)
    expect(await page.getByTestId('orders-all-days').getAttribute('class')).toContain('is-on')
    await page.getByTestId('orders-search').fill('')
    await page.getByTestId('orders-today').click()
    await expect.poll(() => list.count()).toBe(2)

    // The keyboard steps a day back and forth; there is no day after today.
    await page.locator('body').click({ position: { x: 700, y: 600 } })
    await page.keyboard.press('ArrowLeft')
    await expect.poll(() => list.count()).toBe(0)
    await page.keyboard.press('ArrowRight')
    await expect.poll(() => list.count()).toBe(2)
    expect(await page.getByTestId('orders-next-day').isDisabled()).toBe(true)
    await context.close()
  })
})

/** Serious and critical accessibility problems inside one part of the screen. */
async function axeProblems(page: Page, selector: string) {
  const results = await new AxeBuilder({ page }).include(selector).analyze()
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

async function inEnglish(page: Page): Promise<void> {
  await page.getByTestId('locale-switch').click()
  const option = page.getByRole('menuitem', { name: 'English' }).or(page.getByRole('option', { name: 'English' }))
  if (await option.count()) await option.first().click()
}

describe('the orders list, read by everyone', () => {
  it('speaks English, fits 1024 and 1920 wide, and has no serious accessibility problems', async () => {
    const wide = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage()
    await openSignedIn(wide, app, '/orders', { as: 'owner' })
    await expect.poll(() => wide.getByTestId('order-row').count()).toBeGreaterThan(0)
    await wide.screenshot({ path: 'test-results/screens/orders-today-1920.png' })
    expect(await axeProblems(wide, '.list-card')).toEqual([])

    const narrow = await (await browser.newContext({ viewport: { width: 1024, height: 768 } })).newPage()
    await openSignedIn(narrow, app, '/orders', { as: 'owner' })
    await inEnglish(narrow)
    const list = narrow.getByTestId('order-row')
    await expect.poll(() => list.count()).toBeGreaterThan(0)
    expect(await list.first().getByTestId('order-mode-mark').textContent()).toBe('SIMULATED')
    expect(await narrow.getByTestId('order-totals').textContent()).toContain('Net')
    await narrow.screenshot({ path: 'test-results/screens/orders-today-1024-en.png' })
    await list.last().click()
    await narrow.getByTestId('order-detail').waitFor()
    await narrow.screenshot({ path: 'test-results/screens/orders-detail-1024-en.png' })
    expect(await axeProblems(narrow, '[data-testid="order-detail"]')).toEqual([])
    expect(await axeProblems(narrow, '.list-card')).toEqual([])
  })
})
