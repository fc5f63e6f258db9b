import { mkdtempSync, rmSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeWechatBill } from '../../src/engine/reconciliation/bills'
import { headlessConsole } from '../support/browser'
import { signInThroughUi } from '../support/console'

const till = headlessConsole()

interface Finding {
  screen: string
  rule: string
  impact: string
  targets: string[]
}

/** What a page animation offers, as far as waiting for it goes. */
interface PageAnimation {
  effect: { getComputedTiming(): { endTime?: number | string } } | null
  finished: Promise<unknown>
}

/**
 * Waits until what is fading or sliding in has settled (endless animations aside): axe judges colours as drawn at
 * that moment, and a dialog's label caught halfway through its fade fails the contrast rule.
 */
async function settled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    // The page's own document: these tests are typed without the DOM library.
    const animations = (globalThis as unknown as { document: { getAnimations(): PageAnimation[] } }).document
    const finite = animations.getAnimations().filter((a) => a.effect?.getComputedTiming().endTime !== Infinity)
    await Promise.all(finite.map((a) => a.finished.catch(() => undefined)))
  })
}

/** Runs axe on what is on screen and keeps its serious and critical findings. */
async function audit(page: Page, screen: string): Promise<Finding[]> {
  await settled(page)
  await page.screenshot({ path: `test-results/screens/a11y-${screen}.png` })
  // axe-core/playwright types the page from the full 'playwright' package; playwright-core's is the same object.
  const builder = new AxeBuilder({ page: page as never })
  const results = await builder.analyze()
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      screen,
      rule: v.id,
      impact: v.impact!,
      targets: v.nodes.map((n) => `${n.target.join(' ')} ${n.html.slice(0, 160)}`),
    }))
}

function report(findings: Finding[]): string {
  return findings.map((f) => `${f.screen}: ${f.rule} (${f.impact}) at ${f.targets.join(' | ')}`).join('\n')
}

const SLOW = 120_000
let page: Page

/** Axe on every screen: each test walks a part of the console and asserts its screens clean. */
describe('accessibility of every console screen (axe-core): no serious or critical violations', () => {
  beforeAll(async () => {
    const context = await till.browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })
    page = await context.newPage()
  })
  afterAll(async () => {
    await page?.context().close()
  })

  it(
    'sign-in, cashier, checkout options and the QR',
    async () => {
      const findings: Finding[] = []
      await page.goto(`${till.app.base}/?token=${encodeURIComponent(till.app.token)}#/`)
      await page.getByTestId('sign-in-view').waitFor()
      findings.push(...(await audit(page, 'sign-in')))
      await signInThroughUi(page, 'owner')

      await page.getByTestId('product-tile').first().waitFor()
      await page.locator('[data-testid="product-tile"][data-sku="BRK-001"]').click()
      findings.push(...(await audit(page, 'cashier')))

      await page.getByTestId('charge-button').click()
      const wechat = page.locator('[data-testid="wallet-option"][data-wallet="wechat"]')
      await expect.poll(() => wechat.getAttribute('data-available')).toBe('true')
      findings.push(...(await audit(page, 'checkout-options')))

      await wechat.click()
      await page.getByTestId('pay-button').click()
      await page.getByTestId('payment-qr').waitFor({ state: 'visible' })
      findings.push(...(await audit(page, 'checkout-qr')))
      expect(findings, report(findings)).toEqual([])
    },
    SLOW,
  )

  it(
    'orders and an order',
    async () => {
      const findings: Finding[] = []
      await page.goto(`${till.app.base}/#/orders`)
      await page.getByTestId('order-row').first().waitFor()
      findings.push(...(await audit(page, 'orders')))
      await page.getByTestId('order-row').first().click()
      await page.waitForURL(/#\/orders\/ord_/)
      await page.waitForTimeout(300)
      findings.push(...(await audit(page, 'order-detail')))
      expect(findings, report(findings)).toEqual([])
    },
    SLOW,
  )

  it(
    'every settings tab',
    async () => {
      const findings: Finding[] = []
      for (const tab of ['wallets', 'routing', 'audit', 'backups', 'staff', 'voice']) {
        await page.goto(`${till.app.base}/#/settings`)
        await page.locator(`[data-testid="settings-tab"][data-tab="${tab}"]`).click()
        if (tab === 'wallets')
          await page.locator('[data-testid="wallet-card"] [data-testid="wallet-expand"]').first().click()
        await page.waitForTimeout(300)
        findings.push(...(await audit(page, `settings-${tab}`)))
      }
      expect(findings, report(findings)).toEqual([])
    },
    3 * SLOW,
  )

  it(
    'shift and day',
    async () => {
      const findings: Finding[] = []
      await page.goto(`${till.app.base}/#/shift`)
      await page.waitForTimeout(500)
      findings.push(...(await audit(page, 'shift')))
      await page.goto(`${till.app.base}/#/day`)
      await page.waitForTimeout(500)
      findings.push(...(await audit(page, 'day')))
      expect(findings, report(findings)).toEqual([])
    },
    SLOW,
  )

  it(
    'reports, by day and by hour',
    async () => {
      const findings: Finding[] = []
      await page.goto(`${till.app.base}/#/reports`)
      await page.getByTestId('report-sales-chart').waitFor()
      await page.waitForTimeout(500)
      findings.push(...(await audit(page, 'reports')))
      await page.locator('[data-testid="report-preset"][data-preset="today"]').click()
      await page.getByTestId('report-sales-row').nth(23).waitFor()
      await page.waitForTimeout(300)
      findings.push(...(await audit(page, 'reports-today')))
      expect(findings, report(findings)).toEqual([])
    },
    SLOW,
  )

  it(
    'reconciliation, a day’s differences and the note dialog',
    async () => {
      const findings: Finding[] = []
      await page.goto(`${till.app.base}/#/reconciliation`)
      await page.getByTestId('recon-wallet').first().waitFor()
      findings.push(...(await audit(page, 'reconciliation')))

      // Yesterday's WeChat Pay bill with a trade this till never made: one difference to explain.
      const yesterday = await page.getByTestId('recon-day-detail').getAttribute('data-date')
      const dir = mkdtempSync(join(tmpdir(), 'hutong-a11y-'))
      const file = join(dir, 'bill.csv')
      let text = ''
      const at = Date.parse(`${yesterday}T02:00:00Z`)
      const stranger = { kind: 'payment', outTradeNo: 'pay_elsewhere_0001', providerTradeNo: '4200000009' } as const
      const line = { ...stranger, merchantId: 'SIM-WX-0001', amountFen: 1250, feeFen: 8, at, description: '早餐' }
      for await (const chunk of writeWechatBill([line])) text += chunk
      await writeFile(file, text)
      const wechat = page.locator('[data-testid="recon-wallet"][data-wallet="wechat"]')
      await wechat.getByTestId('recon-file').setInputFiles(file)
      await wechat.getByTestId('discrepancy-row').waitFor()
      rmSync(dir, { recursive: true, force: true })
      findings.push(...(await audit(page, 'reconciliation-differences')))

      await wechat.locator('[data-testid="discrepancy-action"][data-action="explain"]').click()
      await page.getByTestId('explain-note').waitFor()
      findings.push(...(await audit(page, 'reconciliation-explain')))
      await page.keyboard.press('Escape')
      expect(findings, report(findings)).toEqual([])
    },
    SLOW,
  )
})
