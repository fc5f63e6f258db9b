import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ALIPAY_ANDROID_UA, launchChromium, WECHAT_IPHONE_UA } from '../support/browser'
import { startHeadless } from '../support/headless'
import { decodeQrPng } from '../support/qr'
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

async function openConsole(locale?: 'en-US'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const page = await context.newPage()
  await openSignedIn(page, app, '/', { as: 'cashier' })
  await page.getByTestId('product-tile').first().waitFor()
  if (locale) {
    await page.getByTestId('locale-switch').click()
    const option = page.getByRole('menuitem', { name: 'English' }).or(page.getByRole('option', { name: 'English' }))
    if (await option.count()) await option.first().click()
  }
  return page
}

/** Screenshots the QR shown to the customer and decodes it, as a phone camera would. */
async function readQrFromScreen(page: Page): Promise<string> {
  const qr = page.getByTestId('payment-qr')
  await qr.waitFor({ state: 'visible' })
  const box = await qr.boundingBox()
  expect(box!.width).toBeGreaterThanOrEqual(280)
  const decoded = decodeQrPng(await qr.screenshot())
  expect(decoded, 'the QR code on screen decodes').not.toBeNull()
  return decoded!
}

async function phonePays(url: string, userAgent: string, locale: string, buttonName: string, successText: string) {
  const phone = await browser.newContext({
    userAgent,
    locale,
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    extraHTTPHeaders: { 'Accept-Language': locale },
  })
  const page = await phone.newPage()
  await page.goto(url)
  await page.getByRole('button', { name: buttonName }).click()
  await expect.poll(() => page.getByTestId('sim-message').textContent()).toBe(successText)
  await phone.close()
}

describe('counter checkout in the browser console', () => {
  it('cashier sells two items, the customer pays with WeChat from a phone, the console shows the receipt', async () => {
    const page = await openConsole()
    await page.locator('[data-testid="product-tile"][data-sku="BRK-001"]').click()
    await page.locator('[data-testid="product-tile"][data-sku="BRK-001"]').click()
    await page.locator('[data-testid="product-tile"][data-sku="DRK-001"]').click()
    await expect.poll(() => page.getByTestId('cart-total').textContent()).toContain('¥7.00')

    await page.getByTestId('charge-button').click()
    const wechat = page.locator('[data-testid="wallet-option"][data-wallet="wechat"]')
    await expect.poll(() => wechat.getAttribute('data-available')).toBe('true')
    await expect
      .poll(() => page.locator('[data-testid="wallet-option"][data-wallet="jdpay"]').getAttribute('data-available'))
      .toBe('false')
    await wechat.click()
    await page.getByTestId('pay-button').click()

    const url = await readQrFromScreen(page)
    expect(url).toMatch(new RegExp(`^${app.base}/sim/pay/[A-Za-z0-9_-]{22}$`))
    expect(await page.getByTestId('payment-amount').textContent()).toContain('¥7.00')
    expect(await page.getByTestId('payment-countdown').textContent()).toMatch(/0?[0-5]:\d\d/)
    expect(await page.getByTestId('payment-status').getAttribute('data-status')).toBe('pending')

    await phonePays(url, WECHAT_IPHONE_UA, 'zh-CN', '确认支付', '支付成功')

    const receipt = page.getByTestId('receipt')
    await receipt.waitFor({ state: 'visible', timeout: 5000 })
    expect(await page.getByTestId('receipt-status').textContent()).toContain('支付成功')
    expect(await page.getByTestId('receipt-amount').textContent()).toContain('¥7.00')

    const orders = await app.api('GET', '/api/orders')
    expect(orders.json.orders[0]).toMatchObject({ status: 'paid', paidWallet: 'wechat', totalFen: 700 })
    await page.context().close()
  })

  it('a keyed amount paid with Alipay, in English', async () => {
    const page = await openConsole('en-US')
    await page.getByTestId('amount-input').fill('12.34')
    await page.getByTestId('amount-input').press('Enter')
    await expect.poll(() => page.getByTestId('cart-total').textContent()).toContain('¥12.34')
    await page.getByTestId('charge-button').click()
    await page.locator('[data-testid="wallet-option"][data-wallet="alipay"]').click()
    await page.getByTestId('pay-button').click()
    const url = await readQrFromScreen(page)

    // Scanned with WeChat by mistake: the page says to use Alipay and offers no way to pay.
    const wrongApp = await browser.newContext({
      userAgent: WECHAT_IPHONE_UA,
      locale: 'zh-CN',
      extraHTTPHeaders: { 'Accept-Language': 'zh-CN,zh;q=0.9' },
    })
    const wrongPage = await wrongApp.newPage()
    await wrongPage.goto(url)
    expect(await wrongPage.getByTestId('sim-message').textContent()).toBe('请使用支付宝扫一扫')
    expect(await wrongPage.getByRole('button').count()).toBe(0)
    await wrongApp.close()

    await phonePays(url, ALIPAY_ANDROID_UA, 'en-US', 'Confirm payment', 'Payment successful')
    await page.getByTestId('receipt').waitFor({ state: 'visible', timeout: 5000 })
    expect(await page.getByTestId('receipt-status').textContent()).toContain('Paid')
    expect(await page.getByTestId('receipt-amount').textContent()).toContain('¥12.34')
    await page.context().close()
  })
})
