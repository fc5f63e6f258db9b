import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, WECHAT_IPHONE_UA } from '../support/browser'
import { startHeadless } from '../support/headless'
import { decodeQrPng } from '../support/qr'
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

describe('ask a friend to pay, from the counter to a phone in WeChat', () => {
  it('the cashier shares a link, the friend fails the name check once, passes, pays; the console shows it paid by a friend', async () => {
    const console_ = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()
    await openSignedIn(console_, app, '/', { as: 'cashier' })
    await console_.locator('[data-testid="product-tile"][data-sku="BRK-004"]').click()
    await console_.locator('[data-testid="product-tile"][data-sku="DRK-001"]').click()
    await console_.getByTestId('charge-button').click()
    await console_.getByTestId('friend-pay-button').click()
    await console_.getByTestId('friend-requester-input').fill('李明')
    await console_.getByTestId('friend-mode-name-initial').click()
    await console_.getByTestId('friend-message-input').fill('帮我付一下早饭，谢谢')
    await console_.getByTestId('friend-create-button').click()

    const qr = console_.getByTestId('friend-pay-qr')
    await qr.waitFor({ state: 'visible' })
    const url = decodeQrPng(await qr.screenshot())
    expect(url).toMatch(new RegExp(`^${app.base}/f/fpr_[0-9A-Z]{26}\\.[A-Za-z0-9_-]{22}$`))
    expect(await console_.getByTestId('friend-pay-link').textContent()).toContain(url!)
    expect(await console_.getByTestId('friend-pay-code').textContent()).toMatch(/[0-9A-Z]{4}-[0-9A-Z]{4}/)
    expect(await console_.getByTestId('friend-pay-status').getAttribute('data-status')).toBe('open')

    const phone = await (
      await browser.newContext({
        userAgent: WECHAT_IPHONE_UA,
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
        locale: 'zh-CN',
        extraHTTPHeaders: { 'Accept-Language': 'zh-CN,zh;q=0.9' },
      })
    ).newPage()
    await phone.goto(url!)
    expect(await phone.getByTestId('friend-requester').textContent()).toBe('*明 请你帮忙付款')
    expect(await phone.getByTestId('friend-amount').textContent()).toBe('¥12.00')
    expect(await phone.getByTestId('fraud-warning').isVisible()).toBe(true)
    expect(await phone.getByText('帮我付一下早饭，谢谢').isVisible()).toBe(true)

    await phone.getByTestId('friend-answer').fill('王')
    await phone.getByRole('button', { name: '确认' }).click()
    expect(await phone.getByTestId('friend-error').textContent()).toContain('还可尝试 4 次')
    await expect.poll(() => console_.getByTestId('friend-pay-tries').textContent()).toContain('1')

    await phone.getByTestId('friend-answer').fill('李')
    await phone.getByRole('button', { name: '确认' }).click()
    await phone.locator('button[data-wallet="wechat"]').click()
    await phone.getByRole('button', { name: '确认支付' }).click()
    await expect.poll(() => phone.getByTestId('sim-message').textContent()).toBe('支付成功')

    await console_.getByTestId('receipt').waitFor({ state: 'visible', timeout: 5000 })
    expect(await console_.getByTestId('receipt-friend').textContent()).toContain('朋友代付')
    expect(await console_.getByTestId('receipt-amount').textContent()).toContain('¥12.00')
    // The till shows this payment itself: no notice on top of it.
    expect(await console_.locator('.friend-paid-notice').count()).toBe(0)
    await phone.goto(url!)
    expect(await phone.getByTestId('friend-message').textContent()).toBe('付款成功')
  })

  it('a friend pays while the cashier serves someone else: a notice says so and opens the order', async () => {
    const order = (await app.api('POST', '/api/orders', { lines: [{ sku: 'DRK-001', quantity: 2 }] })).json as {
      id: string
    }
    const request = (
      await app.api('POST', `/api/orders/${order.id}/friend-pay`, { requesterName: '王小明', mode: 'open' })
    ).json as { url: string }
    const console_ = await (
      await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } })
    ).newPage()
    await openSignedIn(console_, app, '/', { as: 'cashier' })
    await console_.locator('[data-testid="product-tile"][data-sku="BRK-004"]').click()

    const phone = await (
      await browser.newContext({ userAgent: WECHAT_IPHONE_UA, isMobile: true, locale: 'zh-CN' })
    ).newPage()
    await phone.goto(request.url)
    await phone.locator('button[data-wallet="wechat"]').click()
    await phone.getByRole('button', { name: '确认支付' }).click()
    await expect.poll(() => phone.getByTestId('sim-message').textContent()).toBe('支付成功')

    const notice = console_.locator('.friend-paid-notice')
    await notice.waitFor({ state: 'visible', timeout: 5000 })
    expect(await notice.textContent()).toContain('朋友已代付')
    expect(await notice.textContent()).toContain('微信支付')
    // The cart the cashier was building is untouched until they choose to look.
    expect(await console_.getByTestId('charge-button').isVisible()).toBe(true)
    await notice.click()
    await expect.poll(() => new URL(console_.url()).hash).toBe(`#/orders/${order.id}`)
    await notice.waitFor({ state: 'hidden', timeout: 5000 })
  })
})
