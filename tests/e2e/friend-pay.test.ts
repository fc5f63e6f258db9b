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
    // The name check asks for the first character: until it is answered, not even the surname shows.
    expect(await phone.getByTestId('friend-requester').textContent()).toBe('有人请你帮忙付款，确认身份后显示请求人')
    expect(await phone.locator('body').textContent()).not.toContain('李')
    expect(await phone.getByTestId('friend-amount').textContent()).toBe('¥12.00')
    expect(await phone.getByTestId('fraud-warning').isVisible()).toBe(true)
    expect(await phone.getByText('帮我付一下早饭，谢谢').isVisible()).toBe(true)

    await phone.getByTestId('friend-answer').fill('王')
    await phone.getByRole('button', { name: '确认' }).click()
    expect(await phone.getByTestId('friend-error').textContent()).toBe('答案不正确，还可尝试 4 次')
    expect(await phone.getByTestId('friend-answer').inputValue()).toBe('王')
    await expect.poll(() => console_.getByTestId('friend-pay-tries').textContent()).toContain('1')

    await phone.getByTestId('friend-answer').fill('李')
    await phone.getByRole('button', { name: '确认' }).click()
    expect(await phone.getByTestId('friend-requester').textContent()).toBe('李* 请你帮忙付款')
    expect(await console_.getByTestId('friend-pay-requester').textContent()).toContain('答对后看到：李* 请你帮忙付款')
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
    expect(await phone.getByText('付款时间（北京时间）').isVisible()).toBe(true)
    const paidAt = await phone.getByTestId('friend-paid-at').textContent()
    const [, y, mo, d, time] = /^(\d{4})\/(\d{1,2})\/(\d{1,2}) (\d{2}:\d{2}:\d{2})$/.exec(paidAt ?? '') ?? []
    const pad = (n: string | undefined) => String(n).padStart(2, '0')
    const shownAt = Date.parse(`${y}-${pad(mo)}-${pad(d)}T${time}+08:00`)
    expect(Math.abs(Date.now() - shownAt), `paid at ${paidAt}, Beijing time`).toBeLessThan(120_000)
    await phone.screenshot({ path: 'test-results/screens/friend-paid-zh.png', fullPage: true })
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

/** A phone at 390×844 in the given language. */
async function phoneIn(locale: 'zh-CN' | 'en-US') {
  const context = await browser.newContext({
    userAgent: WECHAT_IPHONE_UA,
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    locale,
    extraHTTPHeaders: { 'Accept-Language': locale },
  })
  return context.newPage()
}

async function newRequest(body: Record<string, unknown>) {
  const order = (await app.api('POST', '/api/orders', { lines: [{ sku: 'BRK-004', quantity: 1 }] })).json as {
    id: string
  }
  const request = (await app.api('POST', `/api/orders/${order.id}/friend-pay`, body)).json as {
    id: string
    url: string
    payCode: string
  }
  return { orderId: order.id, ...request }
}

describe("the friend's phone pages", () => {
  it('a locked request offers no link or pay code to share, in the checkout panel or the friend-pay list', async () => {
    const request = await newRequest({ requesterName: '赵敏', mode: 'name-initial' })
    const console_ = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage()
    await openSignedIn(console_, app, `/checkout/${request.orderId}`, { as: 'owner' })
    await console_.getByTestId('friend-pay-copy-link').waitFor()
    expect(await console_.getByTestId('friend-pay-copy-code').isVisible()).toBe(true)

    const phone = await phoneIn('zh-CN')
    await phone.goto(request.url)
    for (let i = 0; i < 5; i++) {
      await phone.getByTestId('friend-answer').fill('钱')
      await phone.getByRole('button', { name: '确认' }).click()
    }
    expect(await phone.getByTestId('friend-message').textContent()).toBe('付款请求已锁定')

    await expect.poll(() => console_.getByTestId('friend-pay-ended').isVisible(), { timeout: 5000 }).toBe(true)
    for (const id of ['friend-pay-link', 'friend-pay-copy-link', 'friend-pay-code', 'friend-pay-copy-code']) {
      expect(await console_.getByTestId(id).count(), id).toBe(0)
    }
    await console_.screenshot({ path: 'test-results/screens/friend-pay-locked-panel.png' })

    await console_.goto(`${app.base}/#/orders`)
    await console_.locator('[data-testid="orders-section"][data-section="friend-pay"]').click()
    const row = console_.locator(`[data-testid="friend-pay-row"][data-friend-pay-id="${request.id}"]`)
    await row.waitFor()
    expect(await row.getByTestId('friend-pay-row-copy').count()).toBe(0)
    // Ending it is still possible: only sharing is gone.
    expect(await row.getByTestId('friend-pay-row-cancel').isVisible()).toBe(true)
  })

  it('a designated payer who types another number is told the phone number does not match, in either language', async () => {
    const request = await newRequest({ requesterName: '王小明', mode: 'designated', payerPhone: '13800138000' })
    for (const [locale, says] of [
      ['zh-CN', '手机号不正确，还可尝试 4 次'],
      ['en-US', "That phone number doesn't match. 3 tries left"],
    ] as const) {
      const phone = await phoneIn(locale)
      await phone.goto(request.url)
      await phone.getByTestId('friend-answer').fill('13900139000')
      await phone.locator('form.verify button[type="submit"]').click()
      expect(await phone.getByTestId('friend-error').textContent()).toBe(says)
      expect(await phone.getByTestId('friend-answer').inputValue()).toBe('13900139000')
      await phone.screenshot({ path: `test-results/screens/friend-designated-wrong-${locale}.png`, fullPage: true })
    }
  })

  it('the pay-code page: a big title, the example kept on one line, a wrong code kept with its error', async () => {
    const request = await newRequest({ requesterName: '王小明' })
    for (const locale of ['zh-CN', 'en-US'] as const) {
      const phone = await phoneIn(locale)
      await phone.goto(`${app.base}/f`)
      const size = (testId: string) =>
        phone
          .getByTestId(testId)
          .evaluate((el) => parseFloat(el.ownerDocument.defaultView!.getComputedStyle(el).fontSize))
      expect(await size('pay-code-title')).toBeGreaterThanOrEqual(20)
      expect(await size('pay-code-example')).toBeGreaterThanOrEqual(14)
      expect(await size('pay-code-title')).toBeGreaterThan(await size('pay-code-example'))
      const example = phone.getByTestId('pay-code-example')
      expect(await example.textContent()).toBe('7K3M-Q9PD')
      const lineHeight = await example.evaluate((el) => el.getClientRects().length)
      expect(lineHeight, 'the example code is on one line').toBe(1)
      await phone.screenshot({ path: `test-results/screens/friend-code-${locale}.png`, fullPage: true })

      // The last character changed for another: X would be the real code one time in 32.
      const typo = `${request.payCode.slice(0, 8)}${request.payCode.endsWith('X') ? 'Y' : 'X'}`
      await phone.getByTestId('pay-code-input').fill(typo)
      await phone.getByTestId('pay-code-input').press('Enter')
      await phone.getByTestId('pay-code-error').waitFor()
      expect(await phone.getByTestId('pay-code-input').inputValue()).toBe(typo)
      await phone.screenshot({ path: `test-results/screens/friend-code-wrong-${locale}.png`, fullPage: true })

      await phone.getByTestId('pay-code-input').fill(request.payCode.toLowerCase())
      await phone.getByTestId('pay-code-input').press('Enter')
      await expect.poll(() => phone.getByTestId('friend-requester').textContent()).toContain('王**')
    }
  })
})
