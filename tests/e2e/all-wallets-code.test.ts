import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ALIPAY_ANDROID_UA, launchChromium, WECHAT_IPHONE_UA } from '../support/browser'
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

async function phone(userAgent?: string): Promise<Page> {
  const context = await browser.newContext({
    ...(userAgent ? { userAgent } : {}),
    locale: 'zh-CN',
    viewport: { width: 390, height: 844 },
    extraHTTPHeaders: { 'Accept-Language': 'zh-CN,zh;q=0.9' },
  })
  return context.newPage()
}

describe('one code for all wallets, from the screen to each wallet', () => {
  it('routes WeChat, Alipay and a plain browser to the right pages, and the console sees the payment', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const console_ = await context.newPage()
    await openSignedIn(console_, app, '/', { as: 'cashier' })
    await console_.locator('[data-testid="product-tile"][data-sku="BRK-004"]').click()
    await console_.getByTestId('charge-button').click()
    await console_.getByTestId('aggregate-button').click()
    const qr = console_.getByTestId('payment-qr').first()
    await qr.waitFor({ state: 'visible' })
    const url = decodeQrPng(await qr.screenshot())
    expect(url).toMatch(new RegExp(`^${app.base}/pay/[A-Za-z0-9_-]{22}$`))

    const wechat = await phone(WECHAT_IPHONE_UA)
    await wechat.goto(url!)
    expect(new URL(wechat.url()).pathname).toMatch(/^\/sim\/pay\//)
    expect(await wechat.locator('.wallet-title').textContent()).toBe('微信支付')
    expect(await wechat.getByTestId('sim-amount').textContent()).toBe('¥8.00')

    const alipay = await phone(ALIPAY_ANDROID_UA)
    await alipay.goto(url!)
    expect(new URL(alipay.url()).pathname).toMatch(/^\/sim\/pay\//)
    expect(await alipay.locator('.wallet-title').textContent()).toBe('支付宝')

    const plain = await phone()
    await plain.goto(url!)
    expect(new URL(plain.url()).pathname).toMatch(/^\/pay\//)
    expect(await plain.getByText('选择付款方式').isVisible()).toBe(true)
    const offered = await plain
      .locator('button[data-wallet]')
      .evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-wallet')))
    expect(offered).toEqual(['wechat', 'alipay', 'unionpay'])
    await plain.locator('button[data-wallet="unionpay"]').click()
    expect(await plain.locator('.wallet-title').textContent()).toBe('云闪付')

    // The customer confirms in Alipay; the console turns to the receipt.
    await alipay.getByRole('button', { name: '确认支付' }).click()
    await expect.poll(() => alipay.getByTestId('sim-message').textContent()).toBe('支付成功')
    await console_.getByTestId('receipt').waitFor({ state: 'visible', timeout: 5000 })
    expect(await console_.getByTestId('receipt-amount').textContent()).toContain('¥8.00')

    // The other wallets' payments were closed: confirming now takes no money.
    await expect
      .poll(async () => {
        await wechat.reload()
        return wechat.getByRole('button', { name: '确认支付' }).count()
      })
      .toBe(0)
    const orders = await app.api('GET', '/api/orders')
    const detail = await app.api('GET', `/api/orders/${orders.json.orders[0].id}`)
    expect(detail.json).toMatchObject({ status: 'paid', paidWallet: 'alipay' })
    expect(detail.json.attempts.filter((a: { status: string }) => a.status === 'succeeded')).toHaveLength(1)
    await context.close()
  })
})
