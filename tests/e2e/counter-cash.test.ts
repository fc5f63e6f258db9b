import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { headlessConsole } from '../support/browser'

const till = headlessConsole()

/** An amount-only sale of ¥12.50 at the checkout, cash chosen. */
async function cashCheckout(): Promise<Page> {
  const page = await till.open('/', { width: 1366, height: 768 }, { as: 'cashier' })
  await page.getByTestId('amount-input').fill('12.50')
  await page.getByTestId('amount-input').press('Enter')
  await page.getByTestId('charge-button').click()
  await page.locator('[data-testid="wallet-option"][data-wallet="cash"]').click()
  await page.getByTestId('cash-tendered-input').waitFor()
  return page
}

const fontSize = (page: Page, testId: string) =>
  page.getByTestId(testId).evaluate((el: any) => parseFloat(el.ownerDocument.defaultView.getComputedStyle(el).fontSize))

describe('cash at the counter', () => {
  it('offers the next notes above the total and shows the change as the biggest figure', async () => {
    const page = await cashCheckout()
    const quick = await page.locator('[data-testid="cash-exact"], [data-testid="cash-quick"]').allTextContents()
    expect(quick.map((text) => text.trim())).toEqual(['刚好', '¥15.00', '¥20.00', '¥50.00', '¥100.00'])

    await page.locator('[data-testid="cash-quick"][data-fen="2000"]').click()
    await expect.poll(() => page.getByTestId('cash-change').getAttribute('data-change-fen')).toBe('750')
    expect(await page.getByTestId('cash-change').textContent()).toContain('¥7.50')
    const changeSize = await fontSize(page, 'cash-change')
    expect(changeSize).toBeGreaterThan(await fontSize(page, 'checkout-amount'))
    expect(changeSize).toBeGreaterThanOrEqual(48)

    await page.getByTestId('pay-button').click()
    await page.getByTestId('receipt').waitFor({ state: 'visible', timeout: 5000 })
    expect(await page.getByTestId('receipt-change').textContent()).toContain('¥7.50')
    await page.context().close()
  })

  it('marks a short or unreadable tender as an error, in red with a message, and will not take it', async () => {
    const page = await cashCheckout()
    const input = page.getByTestId('cash-tendered-input')
    const error = page.getByTestId('cash-error')

    await input.fill('10')
    await expect.poll(() => error.textContent()).toContain('还差 ¥2.50')
    expect(await error.evaluate((el: any) => el.ownerDocument.defaultView.getComputedStyle(el).color)).toBe(
      'rgb(217, 48, 38)',
    )
    expect(await input.getAttribute('aria-invalid')).toBe('true')
    expect(await page.getByTestId('pay-button').isDisabled()).toBe(true)
    await input.press('Enter')
    expect(await page.getByTestId('receipt').count()).toBe(0)

    await input.fill('1..5')
    await expect.poll(() => error.textContent()).toContain('请输入有效金额')
    await input.fill('')
    await expect.poll(() => error.textContent()).toBe('')
    await page.context().close()
  })

  it('a payment code scanned while the tender field has the keyboard charges the code, not an amount', async () => {
    const page = await cashCheckout()
    await page.getByTestId('cash-tendered-input').focus()
    await page.keyboard.type('134567890123456781', { delay: 5 })
    await page.keyboard.press('Enter')
    await page.getByTestId('receipt').waitFor({ state: 'visible', timeout: 5000 })
    expect(await page.getByTestId('receipt-amount').textContent()).toContain('¥12.50')
    const orders = await till.app.api('GET', '/api/orders')
    expect(orders.json.orders[0]).toMatchObject({ status: 'paid', paidWallet: 'wechat', totalFen: 1250 })
    await page.context().close()
  })
})
