import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../support/browser'
import { startChinaumsServer, type ChinaumsServer } from '../support/chinaumsServer'
import { tempDir } from '../support/engine'
import { startHeadless } from '../support/headless'
import { decodeQrPng } from '../support/qr'
import { openSignedIn } from '../support/console'

const UMS = {
  appId: 'f0ec96ad2c3848b5b810e7aadf369e2f',
  appKey: '775481e2556e4564985f5439a5e6a277',
  mid: '898340149000005',
  tid: '88880001',
  instMid: 'QRPAYDEFAULT',
  msgSrcId: '3194',
  notifyKey: 'hutongNotifyKeyForTests0000000000000000000000000',
}

let app: Awaited<ReturnType<typeof startHeadless>>
let ums: ChinaumsServer
let browser: Browser
const keyDir = tempDir()

beforeAll(async () => {
  ums = await startChinaumsServer(UMS)
  app = await startHeadless({ HUTONG_SECRETS_KEY_FILE: join(keyDir.path, 'secrets.key') })
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
  await ums?.close()
  keyDir.remove()
})

/** The owner opens UnionPay's card in the settings and chooses its sandbox. */
async function openUnionPaySandbox(page: Page) {
  await openSignedIn(page, app, '/settings')
  const card = page.locator('[data-testid="wallet-card"][data-wallet="unionpay"]')
  await card.getByTestId('wallet-expand').click()
  await card.getByTestId('mode-select').click()
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '沙箱' }).click()
  return card
}

describe('UnionPay QuickPass through China UMS, set up and paid from the console', () => {
  it('the owner enters the acquirer credentials in the form the registry lays out, tests them, and a sale is paid', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage()
    const card = await openUnionPaySandbox(page)
    const form = page.locator('[data-testid="credentials-section"][data-wallet="unionpay"]')
    await form.getByTestId('cred-gateway-url').fill(ums.url)
    await form.getByTestId('cred-app-id').fill(UMS.appId)
    await form.getByTestId('cred-app-key').fill(UMS.appKey)
    await form.getByTestId('cred-mid').fill(UMS.mid)
    await form.getByTestId('cred-tid').fill(UMS.tid)
    await form.getByTestId('cred-msg-src-id').fill(UMS.msgSrcId)
    await form.getByTestId('cred-notify-key').fill(UMS.notifyKey)
    await form.getByTestId('credentials-save').click()
    await expect.poll(() => form.getByTestId('credentials-status').getAttribute('data-configured')).toBe('true')
    // Secrets are write-only: the form empties them and says they are set.
    expect(await form.getByTestId('cred-app-key').inputValue()).toBe('')
    await form.getByTestId('test-connection').click()
    await expect.poll(() => form.getByTestId('test-connection-result').textContent()).toContain('可以收款')
    await card.getByTestId('wallet-save').click()
    await expect
      .poll(
        async () =>
          (await app.api('GET', '/api/wallets')).json.wallets.find((w: { wallet: string }) => w.wallet === 'unionpay')
            .mode,
      )
      .toBe('sandbox')

    // At the counter: UnionPay is offered in sandbox mode, its QR is the acquirer's, paying it shows the receipt.
    await page.goto(`${app.base}/#/`)
    await page.locator('[data-testid="product-tile"][data-sku="BRK-001"]').click()
    await page.getByTestId('charge-button').click()
    const unionpay = page.locator('[data-testid="wallet-option"][data-wallet="unionpay"]')
    await expect.poll(() => unionpay.getAttribute('data-available')).toBe('true')
    await unionpay.click()
    await page.getByTestId('pay-button').click()
    const qr = page.getByTestId('payment-qr').first()
    await qr.waitFor({ state: 'visible' })
    const content = decodeQrPng(await qr.screenshot())
    const orders = await app.api('GET', '/api/orders')
    const attempt = (await app.api('GET', `/api/orders/${orders.json.orders[0].id}`)).json.attempts[0]
    expect(attempt).toMatchObject({ wallet: 'unionpay', mode: 'sandbox', qrContent: content })
    ums.payBill(UMS.msgSrcId + attempt.id.slice(4))
    await page.getByTestId('receipt').waitFor({ state: 'visible', timeout: 15_000 })
    await page.context().close()
  })
})
