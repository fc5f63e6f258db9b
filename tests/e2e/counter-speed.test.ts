import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { headlessConsole } from '../support/browser'
import { signInThroughUi } from '../support/console'

const till = headlessConsole()

const openTill = () => till.open('/', { width: 1366, height: 768 }, { as: 'cashier' })
const tile = (page: Page, sku: string) => page.locator(`[data-testid="product-tile"][data-sku="${sku}"]`)
const cartSkus = (page: Page) =>
  page.getByTestId('cart-line').evaluateAll((lines) => lines.map((l) => l.getAttribute('data-sku')))

async function amountDue(page: Page): Promise<string> {
  await page.getByTestId('checkout-amount').waitFor()
  return (await page.getByTestId('checkout-amount').textContent())!.trim()
}

describe('amount-only sales', () => {
  it('收款 charges an amount typed on the pad but not added', async () => {
    const page = await openTill()
    await page.getByTestId('amount-input').fill('18.80')
    const charge = page.getByTestId('charge-button')
    expect(await charge.isDisabled()).toBe(false)
    expect(await charge.textContent()).toContain('¥18.80')
    await charge.click()
    expect(await amountDue(page)).toContain('¥18.80')
    await page.context().close()
  })

  it('F3 reaches the amount field; Enter adds the amount, Enter again charges it', async () => {
    const page = await openTill()
    expect(await page.locator('label[for="amount-input"]').textContent()).toContain('F3')
    await page.keyboard.press('F3')
    expect(
      await page.evaluate(
        () => (globalThis as any).document.activeElement?.getAttribute('data-testid') as string | null,
      ),
    ).toBe('amount-input')
    await page.keyboard.type('12.34')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.getByTestId('cart-total').textContent()).toContain('¥12.34')
    await page.keyboard.press('Enter')
    expect(await amountDue(page)).toContain('¥12.34')
    expect(await page.getByText('请输入有效金额').count()).toBe(0)
    await page.context().close()
  })

  it('digits that match no product offer the amount; Enter charges it', async () => {
    const page = await openTill()
    await page.keyboard.type('25', { delay: 80 })
    const offer = page.getByTestId('amount-offer')
    await offer.waitFor({ state: 'visible' })
    expect(await offer.textContent()).toContain('按金额收款 ¥25.00')
    await page.keyboard.press('Enter')
    expect(await amountDue(page)).toContain('¥25.00')
    const orders = await till.app.api('GET', '/api/orders')
    expect(orders.json.orders[0]).toMatchObject({ status: 'open', totalFen: 2500 })
    await page.context().close()
  })
})

describe('cashier speed', () => {
  it('Enter in the empty search box charges a cart that is not empty', async () => {
    const page = await openTill()
    await tile(page, 'BRK-004').click()
    await page.getByTestId('product-search').focus()
    await page.keyboard.press('Enter')
    expect(await amountDue(page)).toContain('¥8.00')
    await page.context().close()
  })

  it('parks a cart with a note, keeps it over a reload, and resumes it by keyboard', async () => {
    const page = await openTill()
    await tile(page, 'BRK-001').click()
    await tile(page, 'DRK-002').click()
    expect(await page.getByTestId('park-button').textContent()).toContain('F4')
    await page.keyboard.press('F4')
    const prompt = page.locator('.el-message-box')
    await prompt.waitFor({ state: 'visible' })
    await page.keyboard.type('红衣服')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.getByTestId('cart-line').count()).toBe(0)
    expect(await page.getByTestId('parked-count').textContent()).toBe('1')

    await page.reload()
    if (await page.getByTestId('sign-in-view').isVisible()) await signInThroughUi(page, 'cashier')
    await page.getByTestId('parked-count').waitFor()
    expect(await page.getByTestId('parked-count').textContent()).toBe('1')

    await page.keyboard.press('F6')
    const entry = page.getByTestId('parked-cart')
    await entry.waitFor({ state: 'visible' })
    await page.keyboard.press('Escape')
    await entry.waitFor({ state: 'hidden' })
    expect(await page.getByTestId('cart-line').count()).toBe(0)
    await page.keyboard.press('F6')
    await entry.waitFor({ state: 'visible' })
    expect(await entry.textContent()).toContain('红衣服')
    expect(await entry.textContent()).toContain('¥3.50')
    await expect
      .poll(() =>
        page.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('data-testid') as string | null),
      )
      .toBe('parked-cart')
    await page.keyboard.press('Enter')
    await expect.poll(() => cartSkus(page)).toEqual(['BRK-001', 'DRK-002'])
    expect(await page.getByTestId('parked-count').count()).toBe(0)
    await page.context().close()
  })

  it('清空 can be taken back with 撤销 or Ctrl+Z', async () => {
    const page = await openTill()
    await tile(page, 'BRK-002').click()
    await tile(page, 'BRK-002').click()
    await page.getByTestId('clear-cart').click()
    await expect.poll(() => page.getByTestId('cart-line').count()).toBe(0)
    await page.getByTestId('undo-bar').waitFor({ state: 'visible' })
    await page.keyboard.press('Control+z')
    await expect.poll(() => cartSkus(page)).toEqual(['BRK-002'])
    expect(await page.getByTestId('cart-line-quantity').textContent()).toBe('2')

    await page.getByTestId('clear-cart').click()
    await page.getByTestId('undo-button').click()
    await expect.poll(() => cartSkus(page)).toEqual(['BRK-002'])
    await page.context().close()
  })
})
