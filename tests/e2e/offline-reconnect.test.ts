import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { launchChromium } from '../support/browser'
import { openSignedIn } from '../support/console'
import { startHeadless } from '../support/headless'

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

describe('a browser till that loses its server', () => {
  it('says it is offline, will not charge, and recovers by itself when the server is back', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })).newPage()
    await openSignedIn(page, app, '/', { as: 'cashier' })
    await page.locator('[data-testid="product-tile"][data-sku="DRK-001"]').click()
    const charge = page.getByTestId('charge-button')
    const banner = page.getByTestId('offline-banner')
    await expect.poll(() => charge.isEnabled()).toBe(true)
    expect(await banner.count()).toBe(0)

    await app.halt()
    await banner.waitFor({ state: 'visible', timeout: 5000 })
    expect(await page.getByTestId('offline-title').textContent()).toBe('离线 — 正在重新连接…')
    expect(await banner.getAttribute('role')).toBe('alert')
    await expect.poll(() => charge.isDisabled()).toBe(true)
    // The charge key does nothing either: no order is attempted while offline.
    await page.keyboard.press('F2')
    await page.waitForTimeout(300)
    expect(page.url()).not.toContain('/checkout/')
    await page.screenshot({ path: 'test-results/screens/offline-banner-1366.png' })
    // Still offline a few seconds on: the banner lasts, unlike a toast.
    await page.waitForTimeout(3000)
    expect(await banner.isVisible()).toBe(true)

    await app.restart()
    await banner.waitFor({ state: 'detached', timeout: 15_000 })
    await expect.poll(() => charge.isEnabled()).toBe(true)
    await charge.click()
    await page.getByTestId('pay-button').waitFor({ timeout: 5000 })
    const orders = await app.asIntegration('GET', '/api/orders')
    expect(orders.json.orders[0]).toMatchObject({ status: expect.any(String), totalFen: 400 })
    await page.context().close()
  })

  it('keeps a settings save from being sent while offline, and offers it again after', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })).newPage()
    await openSignedIn(page, app, '/settings')
    const card = page.locator('[data-testid="wallet-card"][data-wallet="wechat"]')
    await card.getByTestId('wallet-expand').click()
    await card.getByTestId('fee-rate-input').fill('0.55')
    const save = card.getByTestId('wallet-save')
    await expect.poll(() => save.isEnabled()).toBe(true)

    await app.halt()
    await page.getByTestId('offline-banner').waitFor({ state: 'visible', timeout: 15_000 })
    await expect.poll(() => save.isDisabled()).toBe(true)
    await app.restart()
    await page.getByTestId('offline-banner').waitFor({ state: 'detached', timeout: 15_000 })
    await save.click()
    await expect
      .poll(
        async () =>
          (await app.api('GET', '/api/wallets')).json.wallets.find((w: { wallet: string }) => w.wallet === 'wechat')
            .feeRateBp,
      )
      .toBe(55)
    await page.context().close()
  })
})
