import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { headlessConsole } from '../support/browser'

const till = headlessConsole()

async function walletConfig(wallet: string): Promise<Record<string, unknown>> {
  const wallets = (await till.app.api('GET', '/api/wallets')).json.wallets as { wallet: string }[]
  return wallets.find((w) => w.wallet === wallet)! as Record<string, unknown>
}

async function openWalletCard(page: Page, wallet: string) {
  const card = page.locator(`[data-testid="wallet-card"][data-wallet="${wallet}"]`)
  await card.getByTestId('wallet-expand').click()
  return card
}

describe('wallet settings', () => {
  it('the rollout slider has a track to drag and keys to press, and its value is saved', async () => {
    const page = await till.open('/settings')
    const card = await openWalletCard(page, 'alipay')
    const slider = card.getByTestId('rollout-slider')
    const track = slider.locator('.el-slider__runway')
    const box = (await track.boundingBox())!
    expect(box.height, 'the track has a height to take the pointer').toBeGreaterThanOrEqual(4)
    expect(box.width).toBeGreaterThan(100)

    // Dragged to the middle of the track: 50 %.
    const handle = slider.getByRole('slider')
    const from = (await handle.boundingBox())!
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 8 })
    await page.mouse.up()
    await expect.poll(() => handle.getAttribute('aria-valuenow')).toBe('50')
    // Then one step down by keyboard.
    await handle.focus()
    await page.keyboard.press('ArrowLeft')
    await expect.poll(() => handle.getAttribute('aria-valuenow')).toBe('45')
    await page.screenshot({ path: 'test-results/screens/settings-rollout-1366.png' })

    await card.getByTestId('wallet-save').click()
    await expect.poll(async () => (await walletConfig('alipay')).rolloutPercent).toBe(45)
    await page.context().close()
  })

  it('a field error goes as soon as the field is right again, before any save', async () => {
    const page = await till.open('/settings')
    const card = await openWalletCard(page, 'wechat')
    const fee = card.getByTestId('fee-rate-input')
    const feeField = card.locator('.form-field').filter({ has: page.getByTestId('fee-rate-input') })
    await fee.fill('abc')
    await card.getByTestId('wallet-save').click()
    await feeField.locator('.hc-field-error').waitFor()
    expect(await fee.getAttribute('aria-invalid')).toBe('true')

    await fee.fill('0.5')
    await expect.poll(() => feeField.locator('.hc-field-error').count()).toBe(0)
    expect(await fee.getAttribute('aria-invalid')).toBeNull()
    // Wrong again: the message comes back, for this field only.
    await fee.fill('0.5x')
    await feeField.locator('.hc-field-error').waitFor()
    expect(await card.locator('.hc-field-error').count()).toBe(1)
    await fee.fill('0.5')
    await card.getByTestId('wallet-save').click()
    await expect.poll(async () => (await walletConfig('wechat')).feeRateBp).toBe(50)
    await page.context().close()
  })

  it('测试连接 answers in Chinese words, with the code small beside them', async () => {
    const page = await till.open('/settings')
    const card = await openWalletCard(page, 'alipay')
    await card.getByTestId('mode-select').click()
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '沙箱' }).click()
    const form = card.getByTestId('credentials-section')
    await form.getByTestId('test-connection').click()
    const result = form.getByTestId('test-connection-result')
    await result.waitFor()
    expect(await result.getAttribute('data-code')).toBe('NOT_CONFIGURED')
    expect(await form.getByTestId('test-connection-code').innerText()).toBe('代码 NOT_CONFIGURED')
    const code = await form.getByTestId('test-connection-code').innerText()
    const words = (await result.innerText()).replace(code, '')
    expect(words).toContain('沙箱环境尚未保存凭证')
    expect(words, 'no English beside the code').not.toMatch(/[A-Za-z]{3,}/)
    await result.screenshot({ path: 'test-results/screens/settings-test-connection-zh.png' })
    await page.context().close()
  })

  it('credentials stay folded while the wallet is simulated, and open on click', async () => {
    const page = await till.open('/settings')
    const card = await openWalletCard(page, 'wechat')
    const toggle = card.getByTestId('credentials-toggle')
    const form = card.getByTestId('credentials-section')
    expect(await toggle.getAttribute('aria-expanded')).toBe('false')
    expect(await form.isVisible()).toBe(false)
    await page.screenshot({ path: 'test-results/screens/settings-wechat-folded-1366.png', fullPage: false })
    await toggle.click()
    await form.waitFor({ state: 'visible' })
    expect(await toggle.getAttribute('aria-expanded')).toBe('true')
    // Choosing sandbox needs them: they are shown without asking.
    await toggle.click()
    await card.getByTestId('mode-select').click()
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '沙箱' }).click()
    await form.waitFor({ state: 'visible' })
    expect(await card.getByTestId('credentials-toggle').count()).toBe(0)
    await page.context().close()
  })

  it('a wallet card has one save, which stores the credentials with the settings', async () => {
    const page = await till.open('/settings')
    const card = await openWalletCard(page, 'alipay')
    await card.getByTestId('credentials-toggle').click()
    expect(await card.locator('.hc-btn-primary').count(), 'one primary save in the card').toBe(1)
    const form = card.getByTestId('credentials-section')
    // A fee change and a wrong credential together: the save stores neither and shows the credential's problem.
    await card.getByTestId('fee-rate-input').fill('0.38')
    await form.getByTestId('credentials-mode-tab').filter({ hasText: '沙箱' }).click()
    await form.getByTestId('cred-app-id').fill('12')
    await card.getByTestId('wallet-save').click()
    await form.locator('.hc-field-error').first().waitFor()
    expect((await walletConfig('alipay')).feeRateBp).not.toBe(38)
    // Left as it was stored, the same one save stores the fee.
    await form.getByTestId('cred-app-id').fill('')
    await expect.poll(() => form.locator('.hc-field-error').count(), { message: 'its error goes with it' }).toBe(0)
    await card.getByTestId('wallet-save').click()
    await expect.poll(async () => (await walletConfig('alipay')).feeRateBp).toBe(38)
    await page.screenshot({ path: 'test-results/screens/settings-alipay-one-save-1366.png' })
    await page.context().close()
  })
})
