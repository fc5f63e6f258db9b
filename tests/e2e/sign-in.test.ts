import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { formatFen } from '../../src/shared/money'
import type { OrderDetail, Refund } from '../../src/shared/api/types'
import { headlessConsole, WECHAT_IPHONE_UA } from '../support/browser'
import { signInThroughUi } from '../support/console'
import { decodeQrPng } from '../support/qr'

const till = headlessConsole()

type SignInMember = { id: string; name: string; role: string; demoPin: string | null }

async function members(): Promise<SignInMember[]> {
  return (await till.app.asIntegration('GET', '/api/auth/staff')).json.staff as SignInMember[]
}

async function memberId(role: string): Promise<string> {
  return (await members()).find((m) => m.role === role)!.id
}

/** A browser till paired by its link, on the sign-in screen (a context of its own: its own session storage). */
async function signInScreen(options: { fakeClock?: boolean } = {}): Promise<Page> {
  const context = await till.browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })
  if (options.fakeClock) await context.clock.install()
  const page = await context.newPage()
  await page.goto(`${till.app.base}/?token=${encodeURIComponent(till.app.token)}`)
  await page.getByTestId('sign-in-view').waitFor()
  return page
}

function tile(page: Page, role: string) {
  return page.locator(`[data-testid="staff-tile"][data-role="${role}"]`)
}

/** The session token this window keeps for a reload (sessionStorage, read in the page). */
function sessionToken(page: Page): Promise<string | null> {
  return page.evaluate(() => (globalThis as any).sessionStorage.getItem('hutong.staffSession') as string | null)
}

async function sessionAnswer(token: string): Promise<{ status: number; code: string | undefined }> {
  const me = await till.app.asIntegration('GET', '/api/auth/me', undefined, { 'X-Hutong-Session': token })
  return { status: me.status, code: me.json.error?.code }
}

async function setPermissions(change: Record<string, unknown>): Promise<void> {
  const current = (await till.app.api('GET', '/api/permissions')).json
  const saved = await till.app.api('POST', '/api/permissions', { ...current, ...change })
  expect(saved.status).toBe(200)
}

describe('signing in at the till', () => {
  it('lists the demo staff with their PINs; a wrong PIN shakes and says how many tries are left', async () => {
    const page = await signInScreen()
    await expect.poll(() => page.getByTestId('staff-tile').count()).toBe(2)
    expect(await tile(page, 'owner').textContent()).toContain('王店长')
    expect(await tile(page, 'owner').getByTestId('staff-demo-pin').textContent()).toContain('8888')
    expect(await tile(page, 'cashier').textContent()).toContain('李收银')
    expect(await tile(page, 'cashier').textContent()).toContain('收银员')
    expect(await tile(page, 'cashier').getByTestId('staff-demo-pin').textContent()).toContain('1234')

    await tile(page, 'cashier').click()
    await page.keyboard.type('4321')
    expect(await page.getByTestId('pin-dots').getAttribute('data-length')).toBe('4')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.getByTestId('pin-error').textContent()).toContain('PIN 不正确，还可以再试 4 次')
    expect(await page.getByTestId('pin-dots').getAttribute('class')).toContain('shake')
    expect(await page.getByTestId('pin-dots').getAttribute('data-length')).toBe('0')
    expect(await page.getByTestId('sign-in-view').isVisible()).toBe(true)
    expect(await sessionToken(page)).toBeNull()
    await page.context().close()
  })

  it('the cashier signs in by keyboard, sells but is not offered 设置; 切换 ends the session', async () => {
    const page = await signInScreen()
    await tile(page, 'cashier').click()
    // Typed on the keyboard, a wrong digit taken back with Backspace.
    await page.keyboard.type('125')
    await page.keyboard.press('Backspace')
    await page.keyboard.type('34')
    await page.keyboard.press('Enter')
    await page.getByTestId('product-tile').first().waitFor()
    const member = page.getByTestId('signed-in-member')
    expect(await member.getAttribute('data-role')).toBe('cashier')
    expect(await member.textContent()).toContain('李收银')
    expect(await member.textContent()).toMatch(/浏览器收银台 [2-9A-HJ-NP-Z]{4}/)
    expect(await page.getByTestId('nav-orders').isVisible()).toBe(true)
    expect(await page.getByTestId('nav-settings').count()).toBe(0)
    // Typed in the address bar, the settings screen is not shown either.
    await page.goto(`${till.app.base}/#/settings`)
    await page.getByTestId('product-tile').first().waitFor()
    expect(new URL(page.url()).hash).toBe('#/')

    // The session is this window's: kept over a reload, in sessionStorage only.
    const token = await sessionToken(page)
    expect(token).not.toBeNull()
    expect(await page.evaluate(() => JSON.stringify((globalThis as any).localStorage))).not.toContain(token)
    await page.reload()
    await page.getByTestId('product-tile').first().waitFor()
    expect(await page.getByTestId('signed-in-member').getAttribute('data-role')).toBe('cashier')
    expect(await sessionAnswer(token!)).toMatchObject({ status: 200 })

    await page.getByTestId('switch-member').click()
    await page.getByTestId('sign-in-view').waitFor()
    expect(await page.getByTestId('signed-in-member').count()).toBe(0)
    expect(await sessionToken(page)).toBeNull()
    expect(await sessionAnswer(token!)).toEqual({ status: 401, code: 'SESSION_EXPIRED' })
    await page.context().close()
  })

  it('the owner signs in, sees 设置, adds a manager who then signs in with their own PIN', async () => {
    const page = await signInScreen()
    await signInThroughUi(page, 'owner')
    await page.getByTestId('nav-settings').click()
    await page.locator('[data-testid="settings-tab"][data-tab="staff"]').click()
    await page.getByTestId('staff-row').first().waitFor()
    for (const id of [await memberId('owner'), await memberId('cashier')]) {
      const row = page.locator(`[data-testid="staff-row"][data-staff-id="${id}"]`)
      expect(await row.getByTestId('staff-demo-pin-warning').textContent()).toBe('仍在使用演示 PIN')
    }

    await page.getByTestId('staff-add').click()
    const dialog = page.getByTestId('staff-dialog')
    await dialog.getByTestId('staff-name-input').fill('赵经理')
    await dialog.locator('[data-testid="staff-role"][data-role="manager"]').click()
    await dialog.getByTestId('staff-pin-input').fill('35')
    await dialog.getByTestId('staff-save').click()
    await expect.poll(() => dialog.textContent()).toContain('PIN 为 4–6 位数字')
    await dialog.getByTestId('staff-pin-input').fill('3579')
    await dialog.getByTestId('staff-save').click()
    await expect.poll(() => page.getByTestId('staff-row').count()).toBe(3)
    const manager = (await members()).find((m) => m.name === '赵经理')
    expect(manager).toMatchObject({ role: 'manager', demoPin: null })
    const row = page.locator(`[data-testid="staff-row"][data-staff-id="${manager!.id}"]`)
    expect(await row.textContent()).toContain('经理')
    expect(await row.getByTestId('staff-demo-pin-warning').count()).toBe(0)

    await page.getByTestId('switch-member').click()
    const managerTile = page.locator(`[data-testid="staff-tile"][data-staff-id="${manager!.id}"]`)
    await managerTile.click()
    expect(await managerTile.getByTestId('staff-demo-pin').count()).toBe(0)
    await page.keyboard.type('3579')
    await page.keyboard.press('Enter')
    await page.locator('[data-testid="signed-in-member"][data-role="manager"]').waitFor()
    // Managers do not change settings unless the owner lets them.
    expect(await page.getByTestId('nav-settings').count()).toBe(0)
    await page.context().close()
  })
})

describe('the console locks itself', () => {
  it('after the auto-lock minutes without input, back to the sign-in screen and signed out', async () => {
    const page = await signInScreen({ fakeClock: true })
    await signInThroughUi(page, 'cashier')
    await page.getByTestId('product-tile').first().waitFor()
    const token = await sessionToken(page)

    // Four minutes, then a key: the count starts again.
    await page.clock.fastForward('04:00')
    await page.getByTestId('product-search').click()
    await page.clock.fastForward('04:00')
    expect(await page.getByTestId('sign-in-view').count()).toBe(0)

    await page.clock.fastForward('01:01')
    await page.getByTestId('sign-in-view').waitFor()
    expect(await page.getByTestId('sign-in-notice').getAttribute('data-reason')).toBe('locked')
    expect(await sessionAnswer(token!)).toEqual({ status: 401, code: 'SESSION_EXPIRED' })
    await page.context().close()
  })

  it('never while a customer is paying: it waits until the checkout ends', async () => {
    const page = await signInScreen({ fakeClock: true })
    await signInThroughUi(page, 'cashier')
    await page.locator('[data-testid="product-tile"][data-sku="DRK-001"]').click()
    await page.getByTestId('charge-button').click()
    const wechat = page.locator('[data-testid="wallet-option"][data-wallet="wechat"]')
    await expect.poll(() => wechat.getAttribute('data-available')).toBe('true')
    await wechat.click()
    await page.getByTestId('pay-button').click()
    const qr = page.getByTestId('payment-qr').first()
    await qr.waitFor({ state: 'visible' })
    const url = decodeQrPng(await qr.screenshot())
    expect(url).not.toBeNull()

    await page.clock.fastForward('06:00')
    await page.getByTestId('lock-waiting').waitFor()
    expect(await page.getByTestId('sign-in-view').count()).toBe(0)
    expect(new URL(page.url()).hash).toMatch(/^#\/checkout\//)

    const phone = await till.browser.newContext({ userAgent: WECHAT_IPHONE_UA, locale: 'zh-CN', isMobile: true })
    const phonePage = await phone.newPage()
    await phonePage.goto(url!)
    await phonePage.getByRole('button', { name: '确认支付' }).click()
    await expect.poll(() => phonePage.getByTestId('sim-message').textContent()).toBe('支付成功')
    await phone.close()

    // Paid: the checkout is over, the idle time long past, so it locks at once.
    await page.getByTestId('sign-in-view').waitFor()
    expect(await page.getByTestId('sign-in-notice').getAttribute('data-reason')).toBe('locked')
    const orders = (await till.app.api('GET', '/api/orders?limit=1')).json.orders as { status: string }[]
    expect(orders[0]!.status).toBe('paid')
    await page.context().close()
  })
})

describe('a refund above the cashier’s limit', () => {
  it('asks for a manager’s PIN on the same screen: a wrong one is refused, the owner’s approves', async () => {
    await setPermissions({ cashierRefundLimitFen: 500 })
    const order = (await till.app.api('POST', '/api/orders', { amountFen: 1250 })).json as { id: string }
    const paid = await till.app.api('POST', `/api/orders/${order.id}/payments`, {
      method: 'cash',
      wallet: 'cash',
      tenderedFen: 2000,
    })
    expect(paid.json.status).toBe('succeeded')
    const ownerId = await memberId('owner')
    const cashierId = await memberId('cashier')

    const page = await till.open(`/orders/${order.id}`, undefined, { as: 'cashier' })
    const dialog = page.getByTestId('refund-dialog')
    await page.getByTestId('refund-open').click()
    await dialog.getByTestId('refund-amount-input').fill('8.00')
    await dialog.getByRole('radio', { name: '顾客退货' }).click()
    await dialog.getByTestId('refund-next').click()
    const approval = dialog.getByTestId('manager-approval')
    await approval.waitFor()
    expect(await approval.textContent()).toContain(`超出你的单笔退款额度 ${formatFen(500)}`)
    // Managers and the owner approve; the cashier is not offered.
    await expect.poll(() => approval.locator(`[data-testid="approver"][data-staff-id="${ownerId}"]`).count()).toBe(1)
    expect(await approval.locator(`[data-testid="approver"][data-staff-id="${cashierId}"]`).count()).toBe(0)
    await approval.locator(`[data-testid="approver"][data-staff-id="${ownerId}"]`).click()

    await approval.getByTestId('approval-pin').fill('0000')
    await approval.getByTestId('approval-pin').press('Enter')
    await expect.poll(() => approval.getByTestId('approval-error').textContent()).toContain('PIN 不正确')
    expect(await dialog.getAttribute('data-step')).toBe('confirm')
    expect(await approval.getByTestId('approval-pin').inputValue()).toBe('')
    let refunds = (await till.app.api('GET', `/api/refunds?orderId=${order.id}`)).json.refunds as Refund[]
    expect(refunds).toHaveLength(0)

    await approval.getByTestId('approval-pin').fill('8888')
    await dialog.getByTestId('refund-confirm').click()
    const result = dialog.getByTestId('refund-result')
    await result.waitFor()
    expect(await result.getAttribute('data-status')).toBe('succeeded')
    await dialog.getByTestId('refund-done').click()

    refunds = (await till.app.api('GET', `/api/refunds?orderId=${order.id}`)).json.refunds as Refund[]
    expect(refunds).toHaveLength(1)
    expect(refunds[0]).toMatchObject({ amountFen: 800, staffId: cashierId, approvedBy: ownerId })
    // The order's detail names who refunded and who approved.
    const row = page.getByTestId('order-refund').first()
    await expect.poll(() => row.textContent()).toContain('王店长 批准')
    expect(await row.textContent()).toContain('经办 李收银')
    const detail = (await till.app.api('GET', `/api/orders/${order.id}`)).json as OrderDetail
    expect(detail.refundedFen).toBe(800)

    // Within the limit, no approval is asked.
    await page.getByTestId('refund-open').click()
    await dialog.getByTestId('refund-amount-input').fill('4.50')
    await dialog.getByRole('radio', { name: '价格调整' }).click()
    await dialog.getByTestId('refund-next').click()
    await dialog.getByTestId('refund-confirm').waitFor()
    expect(await dialog.getByTestId('manager-approval').count()).toBe(0)
    await dialog.getByTestId('refund-confirm').click()
    expect(await dialog.getByTestId('refund-result').getAttribute('data-status')).toBe('succeeded')
    refunds = (await till.app.api('GET', `/api/refunds?orderId=${order.id}`)).json.refunds as Refund[]
    expect(refunds.find((refund) => refund.amountFen === 450)).toMatchObject({ approvedBy: null })
    await page.context().close()
  })
})

describe('a demo PIN once real money is handled', () => {
  it('must be replaced before anything else, and the demo PINs are no longer shown', async () => {
    const wallets = (await till.app.api('GET', '/api/wallets')).json.wallets as { wallet: string }[]
    const wechat = wallets.find((w) => w.wallet === 'wechat')!
    expect((await till.app.api('POST', '/api/wallets/wechat', { ...wechat, mode: 'sandbox' })).status).toBe(200)

    const page = await signInScreen()
    await expect.poll(() => tile(page, 'cashier').count()).toBe(1)
    expect(await page.getByTestId('staff-demo-pin').count()).toBe(0)
    await tile(page, 'cashier').click()
    await page.keyboard.type('1234')
    await page.keyboard.press('Enter')
    const form = page.getByTestId('change-pin-form')
    await form.waitFor()
    expect(await page.getByTestId('nav-cashier').count()).toBe(0)

    await form.getByTestId('change-pin-current').fill('1234')
    await form.getByTestId('change-pin-next').fill('2468')
    await form.getByTestId('change-pin-repeat').fill('2469')
    await form.getByTestId('change-pin-submit').click()
    await expect.poll(() => form.textContent()).toContain('两次输入的新 PIN 不一致')
    await form.getByTestId('change-pin-repeat').fill('2468')
    await form.getByTestId('change-pin-submit').click()
    await page.getByTestId('product-tile').first().waitFor()

    const cashier = (await till.app.api('GET', '/api/staff')).json.staff.find(
      (m: { role: string }) => m.role === 'cashier',
    )
    expect(cashier.usesDemoPin).toBe(false)
    await page.getByTestId('switch-member').click()
    await tile(page, 'cashier').click()
    await page.keyboard.type('2468')
    await page.keyboard.press('Enter')
    await page.locator('[data-testid="signed-in-member"][data-role="cashier"]').waitFor()
    await page.context().close()
  })
})
