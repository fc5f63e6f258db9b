import { mkdirSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { headlessConsole, WECHAT_IPHONE_UA } from '../support/browser'
import { decodeQrPng } from '../support/qr'

const till = headlessConsole()
const SHOTS = 'test-results/screens'
mkdirSync(SHOTS, { recursive: true })

type PageStorage = { localStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void } }

/** A display facing the customer: its own browser (a tablet, a second screen), paired by the server's link. */
async function openDisplay(
  tillId: string,
  viewport: { width: number; height: number },
  locale: 'zh-CN' | 'en-US',
): Promise<Page> {
  const context = await till.browser.newContext({ viewport, locale })
  await context.addInitScript(
    (chosen) => (globalThis as unknown as PageStorage).localStorage.setItem('hutong.locale', chosen),
    locale,
  )
  const page = await context.newPage()
  await page.goto(`${till.app.base}/?token=${encodeURIComponent(till.app.token)}#/display?till=${tillId}`)
  await page.getByTestId('customer-display').waitFor()
  return page
}

function phase(page: Page): Promise<string | null> {
  return page.getByTestId('customer-display').getAttribute('data-phase')
}

/**
 * Screenshots a QR code on screen and reads it with an independent decoder, as a phone camera would. The display's
 * code is scanned from the counter's edge (at least 320 px); the till's at arm's length (at least 280 px).
 */
async function readQr(page: Page, testId: string, minWidth = 320): Promise<string> {
  const qr = page.getByTestId(testId).first()
  await qr.waitFor({ state: 'visible' })
  const box = await qr.boundingBox()
  expect(box!.width).toBeGreaterThanOrEqual(minWidth)
  const decoded = decodeQrPng(await qr.screenshot())
  expect(decoded, 'the QR code on screen decodes').not.toBeNull()
  return decoded!
}

async function phonePays(url: string): Promise<void> {
  const phone = await till.browser.newContext({ userAgent: WECHAT_IPHONE_UA, locale: 'zh-CN', isMobile: true })
  const page = await phone.newPage()
  await page.goto(url)
  await page.getByRole('button', { name: '确认支付' }).click()
  await expect.poll(() => page.getByTestId('sim-message').textContent()).toBe('支付成功')
  await phone.close()
}

describe('the customer display (客显)', () => {
  it('mirrors the till: the cart, the amount and QR code, the payment, then the welcome again', async () => {
    const storeName = (await till.app.api('GET', '/api/store')).json.name as string
    const cashier = await till.open('/', { width: 1366, height: 768 }, { as: 'cashier' })
    const tillId = (await cashier.evaluate(
      () => JSON.parse((globalThis as unknown as PageStorage).localStorage.getItem('hutong.till') ?? '{}').id,
    )) as string
    expect(tillId).toMatch(/^\S+$/)

    const display = await openDisplay(tillId, { width: 1920, height: 1080 }, 'zh-CN')
    await expect.poll(() => phase(display)).toBe('idle')
    await expect.poll(() => display.getByTestId('display-store').textContent()).toBe(storeName)
    await display.screenshot({ path: `${SHOTS}/display-1920-idle-zh.png` })

    // The cart as the cashier builds it.
    await cashier.locator('[data-testid="product-tile"][data-sku="BRK-001"]').click()
    await cashier.locator('[data-testid="product-tile"][data-sku="BRK-001"]').click()
    await cashier.locator('[data-testid="product-tile"][data-sku="DRK-001"]').click()
    await expect.poll(() => phase(display)).toBe('cart')
    await expect.poll(() => display.getByTestId('display-line').count()).toBe(2)
    await expect.poll(() => display.getByTestId('display-total').textContent()).toContain('¥7.00')
    expect(await display.getByTestId('display-line').first().textContent()).toMatch(/茶叶蛋\s*× 2\s*¥3\.00/)
    await display.screenshot({ path: `${SHOTS}/display-1920-cart-zh.png` })

    // Charged, the order waits for a wallet; the cashier steps back to the cart, and so does the display.
    await cashier.getByTestId('charge-button').click()
    await expect.poll(() => phase(display)).toBe('choosing')
    await cashier.locator('[data-testid="wallet-option"][data-wallet="wechat"]').waitFor()
    await cashier.keyboard.press('Escape')
    await expect.poll(() => phase(display)).toBe('cart')

    // Charged again: the customer scans the same code from the display as from the till.
    await cashier.getByTestId('charge-button').click()
    await cashier.locator('[data-testid="wallet-option"][data-wallet="wechat"]').click()
    await cashier.getByTestId('pay-button').click()
    const tillCode = await readQr(cashier, 'payment-qr', 280)
    await expect.poll(() => phase(display)).toBe('paying')
    expect(await readQr(display, 'display-qr')).toBe(tillCode)
    expect(await display.getByTestId('display-mode').getAttribute('data-mode')).toBe('simulator')
    expect(await display.getByTestId('display-order-number').textContent()).toMatch(/^#\d{4}$/)
    await display.screenshot({ path: `${SHOTS}/display-1920-qr-zh.png` })

    // A tablet opened mid-sale catches up at once, in its own language.
    const tablet = await openDisplay(tillId, { width: 1024, height: 768 }, 'en-US')
    await expect.poll(() => phase(tablet)).toBe('paying')
    expect(await readQr(tablet, 'display-qr')).toBe(tillCode)
    await tablet.screenshot({ path: `${SHOTS}/display-1024-qr-en.png` })

    await phonePays(tillCode)
    await expect.poll(() => phase(display), { timeout: 5000 }).toBe('paid')
    expect(await display.getByTestId('display-paid-amount').textContent()).toBe('¥7.00')
    expect(await display.getByTestId('display-paid-wallet').textContent()).toContain('微信支付')
    await expect.poll(() => phase(tablet)).toBe('paid')
    await display.screenshot({ path: `${SHOTS}/display-1920-paid-zh.png` })
    await tablet.screenshot({ path: `${SHOTS}/display-1024-paid-en.png` })

    // The cashier moves on; after its moment the display greets the next customer.
    await cashier.getByTestId('receipt').waitFor()
    await cashier.getByTestId('next-order').click()
    await expect.poll(() => phase(display), { timeout: 10_000 }).toBe('idle')
    expect(await display.getByTestId('display-store').textContent()).toBe(storeName)
    await tablet.screenshot({ path: `${SHOTS}/display-1024-idle-en.png` })

    for (const page of [cashier, display, tablet]) await page.context().close()
  })
})
