import type { Locator, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { AxeBuilder } from '@axe-core/playwright'
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

describe('checkout on a full-HD screen', () => {
  it('grows the cart, the tiles and the QR code with the window', async () => {
    const small = await till.open('/', { width: 1366, height: 768 }, { as: 'cashier' })
    const big = await till.open('/', { width: 1920, height: 1080 }, { as: 'cashier' })
    const widthOf = async (page: Page, target: Locator) => (await target.boundingBox())!.width
    for (const page of [small, big]) await page.getByTestId('product-tile').first().waitFor()
    expect(await widthOf(big, big.getByTestId('cart-panel'))).toBeGreaterThan(
      (await widthOf(small, small.getByTestId('cart-panel'))) + 100,
    )
    expect(await widthOf(big, big.getByTestId('product-tile').first())).toBeGreaterThan(
      await widthOf(small, small.getByTestId('product-tile').first()),
    )

    await big.locator('[data-testid="product-tile"][data-sku="BRK-004"]').click()
    await big.getByTestId('charge-button').click()
    await big.locator('[data-testid="wallet-option"][data-wallet="wechat"]').click()
    await big.getByTestId('pay-button').click()
    await expectOnScreen(big, big.getByTestId('payment-qr'), 'the QR code')
    expect(await widthOf(big, big.getByTestId('payment-qr'))).toBeGreaterThanOrEqual(440)
    await expectOnScreen(big, big.getByTestId('choose-another'), '换一种方式')
    await small.context().close()
    await big.context().close()
  })
})

describe('accessibility of the till screens', () => {
  it('has no serious or critical axe violations on the cashier, options and QR screens', async () => {
    const page = await till.open('/', { width: 1366, height: 768 }, { as: 'cashier' })
    const problems = async (scope: string) => {
      const result = await new AxeBuilder({ page }).include(scope).analyze()
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
    }
    await page.locator('[data-testid="product-tile"][data-sku="BRK-001"]').click()
    expect(await problems('.cashier-view')).toEqual([])
    await page.getByTestId('charge-button').click()
    await page.getByTestId('wallet-option').first().waitFor()
    await page.getByTestId('unavailable-toggle').click()
    expect(await problems('.checkout-view')).toEqual([])
    await page.locator('[data-testid="wallet-option"][data-wallet="wechat"]').click()
    await page.getByTestId('pay-button').click()
    await page.getByTestId('payment-qr').waitFor()
    expect(await problems('.checkout-view')).toEqual([])
    await page.context().close()
  })
})
