import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../support/browser'
import { startHeadless } from '../support/headless'
import { openSignedIn, signInThroughUi } from '../support/console'

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

describe('pairing a second till with a one-time code', () => {
  it('shows a code on the owner’s till, pairs a new browser with it, and revoking sends that browser back', async () => {
    const owner = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage()
    await openSignedIn(owner, app, '/settings')
    await owner.locator('[data-testid="settings-tab"][data-tab="devices"]').click()
    await owner.getByTestId('pair-till').click()
    await owner.getByTestId('pairing-name').fill('收银台 2')
    await owner.getByTestId('pairing-create').click()
    const code = (await owner.getByTestId('pairing-code').getAttribute('data-code'))!
    expect(code).toMatch(/^\d{6}$/)
    await expect.poll(() => owner.getByTestId('pairing-code').textContent()).toContain(code.slice(0, 3))

    // A fresh browser on the shop's network: no token anywhere, only the six digits read off the owner's screen.
    const tablet = await (await browser.newContext({ viewport: { width: 1024, height: 768 } })).newPage()
    await tablet.goto(app.base)
    await tablet.getByTestId('pairing-code-input').fill('000000' === code ? '111111' : '000000')
    await tablet.getByTestId('pairing-code-submit').click()
    await expect.poll(() => tablet.getByRole('alert').first().textContent()).toMatch(/配对码不正确/)
    await tablet.getByTestId('pairing-code-input').fill(`${code.slice(0, 3)} ${code.slice(3)}`)
    await tablet.getByTestId('pairing-code-submit').click()
    await signInThroughUi(tablet, 'cashier')
    await tablet.getByTestId('product-tile').first().waitFor()
    const stored = await tablet.evaluate(() => (globalThis as any).localStorage.getItem('hutong.apiToken') as string)
    expect(stored).not.toBe(app.token)

    // The owner's list shows the new till live; revoking it cuts the tablet off.
    const row = owner.getByTestId('device-row').filter({ hasText: '收银台 2' })
    await row.waitFor()
    await row.getByTestId('device-revoke').click()
    await owner.locator('.el-message-box').getByRole('button', { name: '撤销' }).click()
    await expect.poll(() => row.textContent()).toContain('已撤销')
    await tablet.reload()
    await tablet.getByTestId('pairing-code-input').waitFor()
    await owner.context().close()
    await tablet.context().close()
  })

  it('pairs a customer display with a code: it opens on the till’s screen and follows its sale', async () => {
    const owner = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage()
    await openSignedIn(owner, app, '/settings')
    await owner.locator('[data-testid="settings-tab"][data-tab="devices"]').click()
    await owner.getByTestId('pair-display').click()
    await owner.getByTestId('pairing-create').click()
    const code = (await owner.getByTestId('pairing-code').getAttribute('data-code'))!

    const tablet = await (await browser.newContext({ viewport: { width: 1024, height: 768 } })).newPage()
    await tablet.goto(app.base)
    await tablet.getByTestId('pairing-code-input').fill(code)
    await tablet.getByTestId('pairing-code-submit').click()
    const display = tablet.getByTestId('customer-display')
    await expect.poll(() => display.getAttribute('data-phase')).toBe('idle')

    await owner.getByTestId('pairing-code-done').click()
    await owner.goto(`${app.base}/#/`)
    await owner.locator('[data-testid="product-tile"][data-sku="DRK-001"]').click()
    await expect.poll(() => display.getAttribute('data-phase')).toBe('cart')
    await expect.poll(() => tablet.getByTestId('display-line').first().textContent()).toContain('豆浆')
    await owner.context().close()
    await tablet.context().close()
  })
})
