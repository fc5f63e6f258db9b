import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { fenToYuanString, formatFen } from '../../src/shared/money'
import type { OrderDetail, Refund } from '../../src/shared/api/types'
import { headlessConsole, WECHAT_IPHONE_UA } from '../support/browser'

const till = headlessConsole()

async function orderDetail(id: string): Promise<OrderDetail> {
  return (await till.app.api('GET', `/api/orders/${id}`)).json as OrderDetail
}

async function merchantRefunds(orderId: string): Promise<Refund[]> {
  const refunds = (await till.app.api('GET', `/api/refunds?orderId=${orderId}`)).json.refunds as Refund[]
  return refunds.filter((refund) => refund.kind === 'merchant')
}

/** An order sold at the counter, paid by the customer's WeChat on the simulator's phone page. */
async function paidOrder(body: object, payment: object): Promise<OrderDetail> {
  const order = (await till.app.api('POST', '/api/orders', body)).json as { id: string }
  const created = await till.app.api('POST', `/api/orders/${order.id}/payments`, payment)
  expect(created.status).toBe(201)
  const qrContent = created.json.qrContent as string | null
  if (qrContent) {
    const phone = await till.browser.newContext({ userAgent: WECHAT_IPHONE_UA, locale: 'zh-CN', isMobile: true })
    const page = await phone.newPage()
    await page.goto(qrContent)
    await page.getByRole('button', { name: '确认支付' }).click()
    await expect.poll(() => page.getByTestId('sim-message').textContent()).toBe('支付成功')
    await phone.close()
  }
  await expect.poll(async () => (await orderDetail(order.id)).status).toBe('paid')
  return orderDetail(order.id)
}

function dialog(page: Page) {
  return page.getByTestId('refund-dialog')
}

async function openRefund(page: Page): Promise<void> {
  await page.getByTestId('refund-open').click()
  await dialog(page).getByTestId('refund-next').waitFor()
}

async function resultOf(page: Page): Promise<{ status: string | null; code: string | null; text: string }> {
  const result = dialog(page).getByTestId('refund-result')
  await result.waitFor()
  return {
    status: await result.getAttribute('data-status'),
    code: await result.getAttribute('data-code'),
    text: ((await result.textContent()) ?? '').trim(),
  }
}

async function closeDialog(page: Page): Promise<void> {
  await dialog(page).getByTestId('refund-done').click()
  await dialog(page).waitFor({ state: 'hidden' })
}

describe('a merchant refund from the orders screen', () => {
  it('gives back a returned item, refuses too much, then the rest; the order reads partly, then fully refunded', async () => {
    const order = await paidOrder(
      {
        lines: [
          { sku: 'BRK-001', quantity: 2 },
          { sku: 'DRK-001', quantity: 1 },
        ],
      },
      { method: 'qr', wallet: 'wechat', qrSvg: false },
    )
    const egg = order.lines.find((line) => line.sku === 'BRK-001')!
    expect(order.refundableFen).toBe(order.totalFen)

    const page = await till.open(`/orders/${order.id}`)
    const status = page.getByTestId('order-detail').getByTestId('order-status')
    await expect.poll(() => status.getAttribute('data-status')).toBe('paid')
    expect(await page.getByTestId('refunded-so-far').count()).toBe(0)

    // One of the two eggs comes back.
    await openRefund(page)
    expect(await dialog(page).getByTestId('refund-amount-input').inputValue()).toBe(fenToYuanString(order.totalFen))
    await dialog(page).locator('[data-testid="refund-mode"][data-mode="lines"]').click()
    const eggRow = dialog(page).locator(`[data-testid="refund-line"][data-line-id="${egg.id}"]`)
    await eggRow.getByTestId('refund-line-plus').click()
    expect(await eggRow.getByTestId('refund-line-quantity').textContent()).toBe('1')
    expect(await dialog(page).getByTestId('refund-next').textContent()).toContain(formatFen(egg.unitPriceFen))
    await dialog(page).getByTestId('refund-next').click()
    // No reason chosen yet: the dialog says so and stays on the form.
    expect(await dialog(page).locator('[data-testid="refund-problem"][data-field="reason"]').textContent()).toContain(
      '请选择退款原因',
    )
    await dialog(page).getByRole('radio', { name: '顾客退货' }).click()
    await page.keyboard.press('Enter')
    expect(await dialog(page).getByTestId('refund-confirm-text').textContent()).toContain(
      `将 ${formatFen(egg.unitPriceFen)} 退回顾客的微信支付？`,
    )
    await page.keyboard.press('Enter')
    const first = await resultOf(page)
    expect(first.status).toBe('succeeded')
    expect(first.text).toBe(`已退回 ${formatFen(egg.unitPriceFen)} 到顾客的微信支付`)
    await closeDialog(page)

    await expect.poll(() => status.getAttribute('data-status')).toBe('partially_refunded')
    expect(await status.textContent()).toBe('部分退款')
    expect(await page.getByTestId('refunded-so-far').textContent()).toContain(formatFen(egg.unitPriceFen))
    const row = page.getByTestId('order-refund').first()
    expect(await row.getAttribute('data-status')).toBe('succeeded')
    expect(await row.textContent()).toContain('顾客退货')
    expect(await row.textContent()).toContain(`${egg.name} × 1`)
    expect(await row.textContent()).toContain('已退款')

    let refunds = await merchantRefunds(order.id)
    expect(refunds).toHaveLength(1)
    expect(refunds[0]).toMatchObject({
      amountFen: egg.unitPriceFen,
      reason: 'customer_return',
      status: 'succeeded',
      lines: [{ lineId: egg.id, quantity: 1, amountFen: egg.unitPriceFen }],
    })
    const left = order.totalFen - egg.unitPriceFen
    expect((await orderDetail(order.id)).refundableFen).toBe(left)

    // A cent more than is left: the form refuses it and nothing is sent.
    await openRefund(page)
    const amount = dialog(page).getByTestId('refund-amount-input')
    expect(await amount.inputValue()).toBe(fenToYuanString(left))
    await amount.fill(fenToYuanString(left + 1))
    await dialog(page).getByRole('radio', { name: '价格调整' }).click()
    await amount.press('Enter')
    expect(await dialog(page).locator('[data-testid="refund-problem"][data-field="amount"]').textContent()).toContain(
      '请输入不超过可退金额的金额',
    )
    expect(await dialog(page).getAttribute('data-step')).toBe('form')
    expect(await merchantRefunds(order.id)).toHaveLength(1)

    // What is left, but another till gives a cent back while this one confirms: the engine refuses, in words.
    await amount.fill(fenToYuanString(left))
    await amount.press('Enter')
    await dialog(page).getByTestId('refund-confirm').waitFor()
    const elsewhere = await till.app.api('POST', `/api/orders/${order.id}/refunds`, {
      amountFen: 1,
      reason: 'price_adjustment',
    })
    expect(elsewhere.json).toMatchObject({ status: 'succeeded', amountFen: 1 })
    await dialog(page).getByTestId('refund-confirm').click()
    const refused = await resultOf(page)
    expect(refused).toMatchObject({ status: 'error', code: 'REFUND_EXCEEDS_PAID' })
    expect(refused.text).toContain('退款金额超过了可退金额')
    expect(refused.text).toContain(formatFen(left - 1))
    refunds = await merchantRefunds(order.id)
    expect(refunds.map((refund) => refund.amountFen).sort((a, b) => a - b)).toEqual([1, egg.unitPriceFen])
    await closeDialog(page)

    // The rest, by amount: the dialog offers exactly what is left.
    await openRefund(page)
    expect(await amount.inputValue()).toBe(fenToYuanString(left - 1))
    await dialog(page).getByRole('radio', { name: '商品有误' }).click()
    await dialog(page).getByTestId('refund-next').click()
    expect(await dialog(page).getByTestId('refund-confirm-text').textContent()).toContain(formatFen(left - 1))
    await dialog(page).getByTestId('refund-confirm').click()
    const rest = await resultOf(page)
    expect(rest.status).toBe('succeeded')
    expect(rest.text).toContain(formatFen(left - 1))
    await closeDialog(page)

    await expect.poll(() => status.getAttribute('data-status')).toBe('refunded')
    expect(await status.textContent()).toBe('已退款')
    expect(await page.getByTestId('refund-open').count()).toBe(0)
    expect(await page.getByTestId('refunded-so-far').textContent()).toContain(formatFen(order.totalFen))
    const listed = page.locator(`[data-testid="order-row"][data-order-id="${order.id}"]`)
    await expect.poll(() => listed.textContent()).toContain('已退款')

    const after = await orderDetail(order.id)
    expect(after).toMatchObject({ status: 'refunded', refundedFen: order.totalFen, refundableFen: 0 })
    refunds = await merchantRefunds(order.id)
    expect(refunds.map((refund) => refund.amountFen).sort((a, b) => a - b)).toEqual(
      [1, egg.unitPriceFen, left - 1].sort((a, b) => a - b),
    )
    expect(refunds.find((refund) => refund.amountFen === left - 1)).toMatchObject({
      reason: 'wrong_item',
      lines: [],
      status: 'succeeded',
    })
    await page.context().close()
  })

  it('a cash sale is refunded out of the drawer; Esc closes the dialog and keeps the order open', async () => {
    const order = await paidOrder({ amountFen: 1250 }, { method: 'cash', wallet: 'cash', tenderedFen: 2000 })
    const page = await till.open(`/orders/${order.id}`)
    await page.getByTestId('order-detail').waitFor()

    await openRefund(page)
    // Keyed amounts have no lines to pick.
    expect(await dialog(page).getByTestId('refund-mode').count()).toBe(0)
    await page.keyboard.press('Escape')
    await dialog(page).waitFor({ state: 'hidden' })
    expect(await page.getByTestId('order-detail').isVisible()).toBe(true)

    await openRefund(page)
    await dialog(page).getByRole('radio', { name: '其他' }).click()
    await dialog(page).getByTestId('refund-next').click()
    expect(await dialog(page).locator('[data-testid="refund-problem"][data-field="note"]').textContent()).toContain(
      '请写明退款原因',
    )
    await dialog(page).getByTestId('refund-note-input').fill('顾客改用微信支付')
    await page.keyboard.press('Enter')
    expect(await dialog(page).getByTestId('refund-confirm-text').textContent()).toContain(
      `从钱箱取出 ${formatFen(order.totalFen)} 现金退给顾客？`,
    )
    await page.keyboard.press('Enter')
    const cash = await resultOf(page)
    expect(cash.status).toBe('succeeded')
    expect(cash.text).toBe(`请从钱箱取出 ${formatFen(order.totalFen)} 现金交给顾客`)
    await page.keyboard.press('Enter')
    await dialog(page).waitFor({ state: 'hidden' })

    expect(await page.getByTestId('order-refund').first().textContent()).toContain('顾客改用微信支付')
    const refunds = await merchantRefunds(order.id)
    expect(refunds).toHaveLength(1)
    expect(refunds[0]).toMatchObject({
      wallet: 'cash',
      amountFen: order.totalFen,
      reason: 'other',
      note: '顾客改用微信支付',
      status: 'succeeded',
    })
    await page.context().close()
  })
})
