import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { DATABASE_FILE } from '../../src/engine'
import { headlessConsole } from '../support/browser'

const till = headlessConsole()

describe('the owner checks the audit log', () => {
  it('says the log is intact, and names the entry changed outside the app', async () => {
    const { app } = till
    const wallets = (await app.api('GET', '/api/wallets')).json.wallets as { wallet: string }[]
    const wechat = wallets.find((w) => w.wallet === 'wechat')!
    await app.api('POST', '/api/wallets/wechat', { ...wechat, maxFen: 123_400 })

    const page = await till.open('/settings')
    await page.locator('[data-testid="settings-tab"][data-tab="audit"]').click()
    await page.getByTestId('audit-entry').first().waitFor()
    await page.getByTestId('audit-verify').getByRole('button').click()
    await expect.poll(() => page.getByTestId('audit-verdict').textContent()).toContain('完整')

    const db = new BetterSqlite3(join(app.dataDir, DATABASE_FILE))
    db.exec('DROP TRIGGER audit_is_append_only_update')
    db.prepare("UPDATE audit_log SET after = replace(after, '123400', '999900') WHERE seq = 1").run()
    db.close()
    await page.getByTestId('audit-verify').getByRole('button').click()
    await expect
      .poll(() => page.getByTestId('audit-verdict').textContent())
      .toContain('第 1 条记录在本软件之外被修改过')
    await page.screenshot({ path: 'test-results/audit-verify-1366.png' })
    await page.context().close()
  })
})
