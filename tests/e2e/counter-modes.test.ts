import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { headlessConsole } from '../support/browser'

const till = headlessConsole()

async function checkoutForAmount(yuan: string): Promise<Page> {
  const page = await till.open('/', { width: 1366, height: 768 }, { as: 'cashier' })
  await page.getByTestId('amount-input').fill(yuan)
  await page.getByTestId('charge-button').click()
  await page.getByTestId('wallet-option').first().waitFor()
  return page
}

const orderIdOf = (page: Page) => decodeURIComponent(new URL(page.url()).hash.split('/').pop()!)

describe('demo money never looks real', () => {
  it('marks simulator payments loudly in the options and next to the QR code', async () => {
    const page = await checkoutForAmount('9.90')
    const wallets = page.locator('[data-testid="wallet-option"][data-available="true"]:not([data-wallet="cash"])')
    const count = await wallets.count()
    expect(count).toBeGreaterThanOrEqual(3)
    for (let i = 0; i < count; i++) {
      const badge = wallets.nth(i).getByTestId('option-mode')
      expect(await badge.getAttribute('data-mode')).toBe('simulator')
      expect((await badge.textContent())!.trim()).toBe('模拟')
      expect(await badge.isVisible()).toBe(true)
    }
    expect(await page.getByTestId('option-fee').first().textContent()).toContain('商户手续费')

    await page.locator('[data-testid="wallet-option"][data-wallet="alipay"]').click()
    await page.getByTestId('pay-button').click()
    const panel = page.getByTestId('payment-panel')
    await panel.waitFor()
    const badge = panel.getByTestId('payment-mode')
    expect(await badge.isVisible()).toBe(true)
    expect(await badge.getAttribute('data-mode')).toBe('simulator')
    expect(
      await badge.evaluate((el: any) => parseFloat(el.ownerDocument.defaultView.getComputedStyle(el).fontSize)),
    ).toBeGreaterThanOrEqual(18)
    expect(await panel.getByTestId('payment-mode-note').textContent()).toContain('不会真实扣款')

    // The badge says what the engine recorded for the attempt.
    const attemptId = await panel.getAttribute('data-attempt-id')
    const detail = await till.app.api('GET', `/api/orders/${orderIdOf(page)}`)
    const attempt = detail.json.attempts.find((a: { id: string }) => a.id === attemptId)
    expect(attempt.mode).toBe('simulator')
    await page.context().close()
  })
})

describe('Huabei installments', () => {
  it('show the per-period amount and the customer fee, named apart from the merchant fee', async () => {
    const page = await checkoutForAmount('120')
    const { json } = await till.app.api('GET', `/api/orders/${orderIdOf(page)}/payment-options`)
    const huabei = json.options.find((o: { wallet: string }) => o.wallet === 'huabei')
    const six = huabei.installmentPlans.find((p: { periods: number }) => p.periods === 6)
    // ¥120 over 6 periods at 4.5%, the customer bearing the fee: ¥5.40 in fees, ¥20.90 a period.
    expect(six).toMatchObject({ feeBearer: 'customer', feeFen: 540, laterPeriodFen: 2090, firstPeriodFen: 2090 })

    await page.locator('[data-testid="wallet-option"][data-wallet="huabei"]').click()
    const cell = page.locator('[data-testid="installment-plan"][data-periods="6"]')
    await cell.click()
    expect(await cell.textContent()).toContain('¥20.90/期')
    expect(await cell.getByTestId('installment-customer-fee').textContent()).toContain('分期手续费 ¥5.40（顾客承担）')

    await page.getByTestId('pay-button').click()
    const info = page.getByTestId('payment-installments')
    await info.waitFor()
    const text = await info.textContent()
    expect(text).toContain('花呗分期 6 期')
    expect(text).toContain('每期 ¥20.90')
    expect(text).toContain('分期手续费 ¥5.40（顾客承担）')
    await page.context().close()
  })
})
