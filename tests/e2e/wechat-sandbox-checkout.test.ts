import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../support/browser'
import { tempDir } from '../support/engine'
import { startHeadless } from '../support/headless'
import { decodeQrPng } from '../support/qr'
import { startLocalWallets } from '../support/realWallets'
import { openSignedIn } from '../support/console'

let app: Awaited<ReturnType<typeof startHeadless>>
let wallets: Awaited<ReturnType<typeof startLocalWallets>>
let browser: Browser
const keyDir = tempDir()
/** The demo PINs are published: before real money, the owner gives the cashier one of their own. */
const CASHIER_PIN = '2580'

beforeAll(async () => {
  wallets = await startLocalWallets()
  app = await startHeadless({ HUTONG_SECRETS_KEY_FILE: join(keyDir.path, 'secrets.key') })
  browser = await launchChromium()
  // A merchant's IT person provisions the till by script: credentials, then WeChat Pay in sandbox mode.
  expect((await app.api('POST', '/api/wallets/wechat/credentials', wallets.wechatCredentials)).status).toBe(200)
  const config = (await app.api('GET', '/api/wallets')).json.wallets.find(
    (w: { wallet: string }) => w.wallet === 'wechat',
  )
  expect((await app.api('POST', '/api/wallets/wechat', { ...config, mode: 'sandbox' })).status).toBe(200)
  const staff = (await app.api('GET', '/api/staff')).json.staff as { id: string; role: string }[]
  const cashier = staff.find((member) => member.role === 'cashier')!
  expect((await app.api('POST', `/api/staff/${cashier.id}`, { pin: CASHIER_PIN })).status).toBe(200)
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
  await wallets?.close()
  keyDir.remove()
})

describe('counter checkout with WeChat Pay in sandbox mode (local WeChat Pay server)', () => {
  it('shows the real code_url as a QR, the customer pays at the wallet, the console shows the receipt', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()
    await openSignedIn(page, app, '/', { as: 'cashier', pin: CASHIER_PIN })
    await page.locator('[data-testid="product-tile"][data-sku="BRK-001"]').click()
    await page.locator('[data-testid="product-tile"][data-sku="DRK-001"]').click()
    await page.getByTestId('charge-button').click()
    const wechat = page.locator('[data-testid="wallet-option"][data-wallet="wechat"]')
    await expect.poll(() => wechat.getAttribute('data-available')).toBe('true')
    await wechat.click()
    await page.getByTestId('pay-button').click()
    const qr = page.getByTestId('payment-qr').first()
    await qr.waitFor({ state: 'visible' })
    const content = decodeQrPng(await qr.screenshot())
    expect(content).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/)

    const orders = await app.api('GET', '/api/orders')
    const detail = await app.api('GET', `/api/orders/${orders.json.orders[0].id}`)
    const attempt = detail.json.attempts[0]
    expect(attempt).toMatchObject({ wallet: 'wechat', mode: 'sandbox', qrContent: content })
    expect(wallets.wechat.trades.get(attempt.id)).toMatchObject({ state: 'NOTPAY' })

    wallets.wechat.customerPays(attempt.id)
    await page.getByTestId('receipt').waitFor({ state: 'visible', timeout: 10_000 })
    expect(await page.getByTestId('receipt-amount').textContent()).toContain('¥5.50')
    await page.context().close()
  })
})
