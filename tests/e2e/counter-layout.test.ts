import type { Locator, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { headlessConsole } from '../support/browser'

const till = headlessConsole()

/** The whole control is on screen, without scrolling: a cashier sees it and can reach it. */
async function expectOnScreen(page: Page, target: Locator, what: string): Promise<void> {
  await target.waitFor({ state: 'visible' })
  const box = await target.boundingBox()
  const viewport = page.viewportSize()!
  expect(box, `${what} is laid out`).not.toBeNull()
  expect(box!.y, `${what} top`).toBeGreaterThanOrEqual(0)
  expect(box!.x, `${what} left`).toBeGreaterThanOrEqual(0)
  expect(box!.y + box!.height, `${what} bottom is above the window's edge`).toBeLessThanOrEqual(viewport.height)
  expect(box!.x + box!.width, `${what} right`).toBeLessThanOrEqual(viewport.width)
}

async function checkoutAt(width: number, height: number): Promise<Page> {
  const page = await till.open('/', { width, height }, { as: 'cashier' })
  await page.locator('[data-testid="product-tile"][data-sku="BRK-001"]').click()
  await page.locator('[data-testid="product-tile"][data-sku="DRK-001"]').click()
  await expectOnScreen(page, page.getByTestId('charge-button'), 'the charge button')
  await page.getByTestId('charge-button').click()
  await page.getByTestId('wallet-option').first().waitFor()
  return page
}

describe.each([
  [1366, 768],
  [1024, 768],
])('checkout at a %i×%i till screen', (width, height) => {
  it('keeps every primary control on screen: options, cash tender, QR', async () => {
    const page = await checkoutAt(width, height)
    await expectOnScreen(page, page.getByTestId('pay-button'), 'the confirm button')
    await expectOnScreen(page, page.getByTestId('payment-code-input'), 'the payment-code field')

    // Wallets that cannot take the order are folded away, counted, and open on click.
    const toggle = page.getByTestId('unavailable-toggle')
    expect(await toggle.textContent()).toContain('不可用（2）')
    const jdpay = page.locator('[data-testid="wallet-option"][data-wallet="jdpay"]')
    expect(await jdpay.isVisible()).toBe(false)
    await toggle.click()
    expect(await jdpay.isVisible()).toBe(true)
    expect(await page.getByTestId('unavailable-reason').first().isVisible()).toBe(true)
    await toggle.click()

    // Cash opens its tender right under the cash row, above whatever row follows.
    const cash = page.locator('[data-testid="wallet-option"][data-wallet="cash"]')
    await cash.click()
    const tender = page.getByTestId('cash-tender')
    await expectOnScreen(page, tender, 'the cash tender')
    await expectOnScreen(page, page.getByTestId('cash-tendered-input'), 'the cash amount field')
    await expectOnScreen(page, page.getByTestId('pay-button'), 'the cash confirm button')
    const cashName = (await cash.locator('.name').boundingBox())!
    const tenderBox = (await tender.boundingBox())!
    expect(tenderBox.y).toBeGreaterThan(cashName.y)
    expect(tenderBox.y - (cashName.y + cashName.height)).toBeLessThan(60)
    expect(await page.getByTestId('pay-button').textContent()).toContain('确认收现金')

    await page.locator('[data-testid="wallet-option"][data-wallet="wechat"]').click()
    await page.getByTestId('pay-button').click()
    await expectOnScreen(page, page.getByTestId('payment-qr'), 'the QR code')
    expect((await page.getByTestId('payment-qr').boundingBox())!.width).toBeGreaterThanOrEqual(280)
    await expectOnScreen(page, page.getByTestId('payment-amount'), 'the amount over the QR code')
    await expectOnScreen(page, page.getByTestId('choose-another'), '换一种方式')
    await expectOnScreen(page, page.getByTestId('cancel-order'), '取消订单')
    await expectOnScreen(page, page.getByTestId('payment-code-input'), 'the payment-code field on the QR screen')
    await page.context().close()
  })
})
