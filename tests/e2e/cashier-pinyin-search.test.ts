import type { Browser } from 'playwright-core'
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

describe('pinyin search on the cashier screen', () => {
  it('typing the initials dj shows 豆浆 alone, and Enter puts it in the cart', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } })
    const page = await context.newPage()
    await openSignedIn(page, app, '/', { as: 'cashier' })
    const tiles = page.getByTestId('product-tile')
    await tiles.first().waitFor()
    expect(await tiles.count()).toBeGreaterThan(1)

    // Typing anywhere on the screen lands in the search box, as a cashier would do it.
    await page.keyboard.type('dj')
    await expect.poll(() => page.getByTestId('product-search').inputValue()).toBe('dj')
    await expect.poll(() => tiles.count()).toBe(1)
    expect(await tiles.first().getAttribute('data-sku')).toBe('DRK-001')
    expect(await tiles.first().textContent()).toContain('豆浆')
    await page.screenshot({ path: 'test-results/screens/cashier-pinyin-dj.png' })

    await page.getByTestId('product-search').press('Enter')
    await expect.poll(() => page.getByTestId('cart-total').textContent()).toContain('¥4.00')

    await page.getByTestId('product-search').fill('jbgz')
    await expect.poll(() => tiles.count()).toBe(1)
    expect(await tiles.first().getAttribute('data-sku')).toBe('BRK-004')
    await context.close()
  })
})
