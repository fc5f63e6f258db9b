import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { headlessConsole } from '../support/browser'

const till = headlessConsole()
const tile = (page: Page, sku: string) => page.locator(`[data-testid="product-tile"][data-sku="${sku}"]`)

async function ordersByStatus(): Promise<Record<string, number>> {
  const { json } = await till.app.api('GET', '/api/orders')
  const counts: Record<string, number> = {}
  for (const order of json.orders as { status: string }[]) counts[order.status] = (counts[order.status] ?? 0) + 1
  return counts
}

async function chargeAndWait(page: Page): Promise<string> {
  await page.getByTestId('charge-button').click()
  await page.getByTestId('wallet-option').first().waitFor()
  return new URL(page.url()).hash
}

describe('orders do not pile up at the till', () => {
  it('back from checkout and charging the same cart returns to the same order; a changed cart replaces it', async () => {
    const page = await till.open('/', { width: 1366, height: 768 }, { as: 'cashier' })
    await tile(page, 'BRK-003').click()
    const first = await chargeAndWait(page)
    await page.keyboard.press('Escape')
    await page.getByTestId('product-tile').first().waitFor()
    expect(await chargeAndWait(page)).toBe(first)
    expect(await ordersByStatus()).toEqual({ open: 1 })

    await page.keyboard.press('Escape')
    await tile(page, 'BRK-003').click()
    const second = await chargeAndWait(page)
    expect(second).not.toBe(first)
    expect(await ordersByStatus()).toEqual({ open: 1, cancelled: 1 })
    expect(await page.getByTestId('checkout-amount').textContent()).toContain('¥4.00')
    await page.context().close()
  })

  it('Esc on the QR screen asks first; the codes stay live until the cashier confirms', async () => {
    const page = await till.open('/', { width: 1366, height: 768 }, { as: 'cashier' })
    await tile(page, 'DLY-001').click()
    await chargeAndWait(page)
    await page.locator('[data-testid="wallet-option"][data-wallet="wechat"]').click()
    await page.getByTestId('pay-button').click()
    const panel = page.getByTestId('payment-panel')
    await panel.waitFor()
    const attemptId = await panel.getAttribute('data-attempt-id')
    const attemptStatus = async () => {
      const { json } = await till.app.api('GET', '/api/orders')
      const detail = await till.app.api('GET', `/api/orders/${json.orders[0].id}`)
      return detail.json.attempts.find((a: { id: string }) => a.id === attemptId).status
    }

    // Enter in the empty payment-code field on the QR screen makes no second code.
    await page.getByTestId('payment-code-input').focus()
    await page.keyboard.press('Enter')
    await page.waitForTimeout(500)
    const { json: orders } = await till.app.api('GET', '/api/orders')
    expect((await till.app.api('GET', `/api/orders/${orders.orders[0].id}`)).json.attempts).toHaveLength(1)
    expect(await panel.getAttribute('data-attempt-id')).toBe(attemptId)

    await page.keyboard.press('Escape')
    const dialog = page.locator('.el-message-box:visible')
    await dialog.waitFor()
    expect(await dialog.textContent()).toContain('关闭二维码')
    expect(await attemptStatus()).toBe('pending')
    await page.keyboard.press('Escape')
    await expect.poll(() => dialog.count()).toBe(0)
    expect(await page.getByTestId('payment-qr').isVisible()).toBe(true)
    expect(await attemptStatus()).toBe('pending')

    await page.keyboard.press('Escape')
    await dialog.waitFor()
    await page.keyboard.press('Enter')
    await page.getByTestId('wallet-option').first().waitFor()
    await expect.poll(attemptStatus).toBe('closed')
    await page.context().close()
  })
})
