import { describe, expect, it } from 'vitest'
import { headlessConsole } from '../support/browser'

const till = headlessConsole()

describe('the change log', () => {
  it('says who changed a wallet and what each field was before and after', async () => {
    const page = await till.open('/settings')
    const card = page.locator('[data-testid="wallet-card"][data-wallet="wechat"]')
    await card.getByTestId('wallet-expand').click()
    await card.getByTestId('max-amount-input').fill('123.4')
    await card.getByTestId('fee-rate-input').fill('0.38')
    await card.getByTestId('wallet-save').click()
    await expect.poll(async () => (await till.app.api('GET', '/api/audit')).json.entries[0]?.after?.maxFen).toBe(12_340)

    await page.locator('[data-testid="settings-tab"][data-tab="audit"]').click()
    const entry = page.getByTestId('audit-entry').first()
    await expect.poll(() => entry.getAttribute('data-entity-id')).toBe('wechat')
    expect(await entry.getByTestId('audit-actor').innerText()).toBe('王店长')
    const maxChange = entry.locator('[data-testid="audit-change"][data-field="maxFen"]')
    expect(await maxChange.locator('.before').innerText()).toBe('不限')
    expect(await maxChange.locator('.after').innerText()).toBe('¥123.40')
    const feeChange = entry.locator('[data-testid="audit-change"][data-field="feeRateBp"]')
    expect(await feeChange.innerText()).toMatch(/费率\s*0\.6%?.*→.*0\.38%/s)
    // Only what changed is listed.
    expect(await entry.getByTestId('audit-change').count()).toBe(2)
    await page.screenshot({ path: 'test-results/screens/settings-audit-1366.png' })
    await page.context().close()
  })
})
