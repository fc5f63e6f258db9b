import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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

async function checkoutFor(sku: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()
  await openSignedIn(page, app, '/', { as: 'cashier' })
  await page.locator(`[data-testid="product-tile"][data-sku="${sku}"]`).click()
  await page.getByTestId('charge-button').click()
  await page.getByTestId('wallet-option').first().waitFor()
  return page
}

describe('counter methods in the console', () => {
  it('a scanner types the customer payment code anywhere on the checkout screen: paid, no click needed', async () => {
    const page = await checkoutFor('DLY-002')
    // A keyboard-wedge scanner: fast digits, then Enter, without anyone focusing the field first.
    await page.keyboard.type('134567890123456781', { delay: 5 })
    await expect.poll(() => page.getByTestId('payment-code-input').inputValue()).toBe('134567890123456781')
    await page.keyboard.press('Enter')
    await page.getByTestId('receipt').waitFor({ state: 'visible', timeout: 5000 })
    expect(await page.getByTestId('receipt-amount').textContent()).toContain('¥29.90')
    const orders = await app.api('GET', '/api/orders')
    expect(orders.json.orders[0]).toMatchObject({ status: 'paid', paidWallet: 'wechat', totalFen: 2990 })
    await page.context().close()
  })

  it('cash: the cashier keys what was handed over and sees the change, on screen and on the receipt', async () => {
    const page = await checkoutFor('BRK-004')
    await page.locator('[data-testid="wallet-option"][data-wallet="cash"]').click()
    await page.getByTestId('cash-tendered-input').fill('20')
    await expect.poll(() => page.getByTestId('cash-change').getAttribute('data-change-fen')).toBe('1200')
    await page.getByTestId('pay-button').click()
    await page.getByTestId('receipt').waitFor({ state: 'visible', timeout: 5000 })
    expect(await page.getByTestId('receipt-change').textContent()).toContain('¥12.00')
    await page.context().close()
  })
})
