import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { headlessConsole } from '../support/browser'

const till = headlessConsole()

describe('the owner backs up and restores from the console', () => {
  it('takes a backup now, lists it, and stages its restore for the next start', async () => {
    const page = await till.open('/settings')
    await page.locator('[data-testid="settings-tab"][data-tab="backups"]').click()
    await page.getByTestId('backup-now').click()
    await expect.poll(() => page.getByTestId('backup-notice').textContent()).toContain('已备份')
    await expect.poll(() => page.getByTestId('backup-row').count()).toBe(1)
    await page.getByTestId('backup-restore').first().click()
    await page.locator('.el-message-box').getByRole('button', { name: '恢复', exact: true }).click()
    await expect.poll(() => page.getByTestId('backup-notice').textContent()).toContain('下次启动时恢复')
    expect(existsSync(join(till.app.dataDir, 'restore-pending.sqlite'))).toBe(true)
    await page.getByTestId('export-logs').click()
    await expect.poll(() => page.getByTestId('backup-notice').textContent()).toContain('日志文件')
    await page.screenshot({ path: 'test-results/backups-1366.png' })
    await page.context().close()
  })
})
