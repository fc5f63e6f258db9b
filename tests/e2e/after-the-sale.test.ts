import type { Download, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import type { DayReport } from '../../src/shared/api/daySchemas'
import type { Shift } from '../../src/shared/api/shiftSchemas'
import { fenToYuanString, formatFen } from '../../src/shared/money'
import type { z } from 'zod'
import { headlessConsole, WECHAT_IPHONE_UA } from '../support/browser'
import { signInThroughUi } from '../support/console'
import { decodeQrPng } from '../support/qr'

/**
 * After the sale: a cashier's shift from the float to the handover, then the owner's day close — through the
 * console, as the shop would, with every figure on screen checked against the engine's own answer.
 */
const till = headlessConsole()

const FLOAT_FEN = 20_000
/** A keyed cash sale, paid with a ¥300 note, then partly refunded above the cashier's own limit. */
const CASH_SALE_FEN = 26_800
const TENDERED_FEN = 30_000
const REFUND_FEN = 15_000
const CASH_OUT_FEN = 5_000

type ShiftView = z.output<typeof Shift>
type Day = z.output<typeof DayReport>

/** One console, signed in as the cashier, then as the owner; the tests below run in order on it. */
let page: Page
let shiftId: string
let cashOrderId: string
/** How far the count is off: just beyond the limit a cashier may close with alone. */
let shortFen: number

async function memberId(role: 'owner' | 'cashier'): Promise<string> {
  const { staff } = (await till.app.asIntegration('GET', '/api/auth/staff')).json as {
    staff: { id: string; role: string }[]
  }
  return staff.find((m) => m.role === role)!.id
}

async function shift(id: string): Promise<ShiftView> {
  return (await till.app.api('GET', `/api/shifts/${id}`)).json as ShiftView
}

async function phonePays(url: string): Promise<void> {
  const phone = await till.browser.newContext({ userAgent: WECHAT_IPHONE_UA, locale: 'zh-CN', isMobile: true })
  const pay = await phone.newPage()
  await pay.goto(url)
  await pay.getByRole('button', { name: '确认支付' }).click()
  await expect.poll(() => pay.getByTestId('sim-message').textContent()).toBe('支付成功')
  await phone.close()
}

function figure(testId: string, name: string) {
  return page.locator(`[data-testid="${testId}"][data-figure="${name}"]`)
}

async function numberOf(testId: string, name: string, attribute = 'data-fen'): Promise<number> {
  return Number(await figure(testId, name).getAttribute(attribute))
}

/** Clicks a button that saves a file; returns the file's bytes as the browser saved them from the Blob. */
async function downloadOf(button: string): Promise<{ name: string; bytes: Buffer }> {
  const [download] = (await Promise.all([page.waitForEvent('download'), page.getByTestId(button).click()])) as [
    Download,
    unknown,
  ]
  const stream = await download.createReadStream()
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return { name: download.suggestedFilename(), bytes: Buffer.concat(chunks) }
}

const BOM = [0xef, 0xbb, 0xbf]

function csvText(bytes: Buffer): string {
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)
}

describe('after the sale: the shift handover and the day close', () => {
  it('the cashier signs in by PIN, opens a shift, sells by QR and in cash, and refunds part with the owner’s PIN', async () => {
    page = await till.open('/shift', { width: 1366, height: 768 }, { as: 'cashier' })
    expect(await page.getByTestId('signed-in-member').getAttribute('data-role')).toBe('cashier')
    expect(await page.getByTestId('nav-shift').isVisible()).toBe(true)
    // A cashier does not close the day.
    expect(await page.getByTestId('nav-day').count()).toBe(0)

    // 开班: no shift at this till yet; a wrong float is refused in words, then ¥200.
    await page.getByTestId('shift-open-form').waitFor()
    await page.getByTestId('shift-float-input').fill('2OO')
    await page.getByTestId('shift-open').click()
    await expect.poll(() => page.getByTestId('shift-open-form').textContent()).toContain('请输入备用金金额')
    await page.getByTestId('shift-float-input').fill(fenToYuanString(FLOAT_FEN))
    await page.getByTestId('shift-float-input').press('Enter')
    const live = page.getByTestId('shift-live')
    await live.waitFor()
    shiftId = (await live.getAttribute('data-shift-id'))!
    expect(await shift(shiftId)).toMatchObject({
      status: 'open',
      openingFloatFen: FLOAT_FEN,
      openedBy: await memberId('cashier'),
    })
    expect(await numberOf('drawer-figure', 'expected')).toBe(FLOAT_FEN)

    // A QR sale: two umbrellas, paid with WeChat from the customer's phone.
    await page.getByTestId('nav-cashier').click()
    const umbrella = page.locator('[data-testid="product-tile"][data-sku="DLY-002"]')
    await umbrella.click()
    await umbrella.click()
    await page.getByTestId('charge-button').click()
    const wechat = page.locator('[data-testid="wallet-option"][data-wallet="wechat"]')
    await expect.poll(() => wechat.getAttribute('data-available')).toBe('true')
    await wechat.click()
    await page.getByTestId('pay-button').click()
    const qr = page.getByTestId('payment-qr')
    await qr.waitFor()
    const url = decodeQrPng(await qr.screenshot())
    expect(url).not.toBeNull()
    await phonePays(url!)
    await page.getByTestId('receipt').waitFor()
    const qrOrderId = (await page.getByTestId('receipt').getAttribute('data-order-id'))!
    const qrOrder = (await till.app.api('GET', `/api/orders/${qrOrderId}`)).json
    expect(qrOrder).toMatchObject({ status: 'paid', paidWallet: 'wechat' })
    await page.getByTestId('next-order').click()

    // A keyed amount paid in cash with a ¥300 note: the change is on the receipt.
    await page.getByTestId('amount-input').fill(fenToYuanString(CASH_SALE_FEN))
    await page.getByTestId('amount-add').click()
    await page.getByTestId('charge-button').click()
    await page.locator('[data-testid="wallet-option"][data-wallet="cash"]').click()
    await page.getByTestId('cash-tendered-input').fill(fenToYuanString(TENDERED_FEN))
    await page.getByTestId('pay-button').click()
    await page.getByTestId('receipt').waitFor()
    expect(await page.getByTestId('receipt-change').textContent()).toContain(formatFen(TENDERED_FEN - CASH_SALE_FEN))
    cashOrderId = (await page.getByTestId('receipt').getAttribute('data-order-id'))!
    await page.getByTestId('next-order').click()

    // Part of the cash sale comes back: above the cashier's limit, so the owner types their PIN in the dialog.
    const { cashierRefundLimitFen } = (await till.app.api('GET', '/api/permissions')).json as {
      cashierRefundLimitFen: number
    }
    expect(REFUND_FEN).toBeGreaterThan(cashierRefundLimitFen)
    await page.getByTestId('nav-orders').click()
    await page.locator(`[data-testid="order-row"][data-order-id="${cashOrderId}"]`).click()
    await page.getByTestId('refund-open').click()
    const dialog = page.getByTestId('refund-dialog')
    await dialog.getByTestId('refund-amount-input').fill(fenToYuanString(REFUND_FEN))
    await dialog.locator('[data-testid="refund-reason"][data-reason="customer_return"]').click()
    await dialog.getByTestId('refund-next').click()
    const approval = dialog.getByTestId('manager-approval')
    await approval.waitFor()
    const ownerId = await memberId('owner')
    await expect
      .poll(() => approval.locator(`[data-testid="approver"][data-staff-id="${ownerId}"]`).getAttribute('aria-checked'))
      .toBe('true')
    await approval.getByTestId('approval-pin').fill('8888')
    await dialog.getByTestId('refund-confirm').click()
    const result = dialog.getByTestId('refund-result')
    await result.waitFor()
    expect(await result.getAttribute('data-status')).toBe('succeeded')
    expect(await result.textContent()).toContain(formatFen(REFUND_FEN))
    await dialog.getByTestId('refund-done').click()

    const refunds = (await till.app.api('GET', `/api/refunds?orderId=${cashOrderId}`)).json.refunds as {
      amountFen: number
      approvedBy: string | null
      kind: string
    }[]
    expect(refunds.filter((r) => r.kind === 'merchant')).toMatchObject([{ amountFen: REFUND_FEN, approvedBy: ownerId }])
  })

  it('cash goes to the safe; the count is short beyond the limit, the owner approves on the same screen; the handover matches the engine', async () => {
    await page.getByTestId('nav-shift').click()
    await page.getByTestId('shift-live').waitFor()

    // 取出: to the safe. Without an amount or a reason the dialog says what is missing and sends nothing.
    await page.getByTestId('cash-out').click()
    const move = page.getByTestId('cash-move-dialog')
    await move.getByTestId('cash-move-confirm').click()
    await expect.poll(() => move.textContent()).toContain('请选择原因')
    expect((await shift(shiftId)).report.cash.cashOutFen).toBe(0)
    await move.getByTestId('cash-amount-input').fill(fenToYuanString(CASH_OUT_FEN))
    await move.locator('[data-testid="cash-reason"][data-reason="to_safe"]').click()
    await move.getByTestId('cash-move-confirm').click()
    await move.waitFor({ state: 'hidden' })
    await expect.poll(() => numberOf('drawer-figure', 'cashOut')).toBe(CASH_OUT_FEN)
    expect(await page.locator('[data-testid="cash-movement"][data-kind="out"]').textContent()).toContain('存入保险柜')

    // The live figures are the engine's, and they add up: float + cash sales − cash refunds + in − out.
    const open = await shift(shiftId)
    const cash = open.report.cash
    expect(cash).toMatchObject({
      openingFloatFen: FLOAT_FEN,
      salesFen: CASH_SALE_FEN,
      refundsFen: REFUND_FEN,
      cashOutFen: CASH_OUT_FEN,
    })
    expect(cash.expectedFen).toBe(
      cash.openingFloatFen + cash.salesFen - cash.refundsFen + cash.cashInFen - cash.cashOutFen,
    )
    for (const [name, fen] of [
      ['float', cash.openingFloatFen],
      ['sales', cash.salesFen],
      ['refunds', cash.refundsFen],
      ['cashIn', cash.cashInFen],
      ['cashOut', cash.cashOutFen],
      ['expected', cash.expectedFen],
    ] as const) {
      expect(await numberOf('drawer-figure', name), name).toBe(fen)
      expect(await figure('drawer-figure', name).textContent(), name).toContain(formatFen(fen).slice(1))
    }
    expect(open.report.methods.map((m) => m.wallet).sort()).toEqual(['cash', 'wechat'])
    for (const method of open.report.methods) {
      const row = page.locator(`[data-testid="method-row"][data-wallet="${method.wallet}"]`)
      expect(await row.locator('[data-figure="received"]').textContent()).toContain(formatFen(method.receivedFen))
      expect(await row.locator('[data-figure="net"]').textContent()).toContain(formatFen(method.netFen))
    }
    expect(await numberOf('order-figure', 'paid', 'data-count')).toBe(open.report.orders.paid)
    expect(open.report.orders.paid).toBe(2)

    // 交班: counted a little more than the limit short. The difference shows at once, as 短款.
    const { shiftDifferenceLimitFen } = (await till.app.api('GET', '/api/permissions')).json as {
      shiftDifferenceLimitFen: number
    }
    shortFen = shiftDifferenceLimitFen + 250
    const countedFen = cash.expectedFen - shortFen
    const panel = page.getByTestId('shift-close')
    expect(Number(await panel.getByTestId('close-expected').getAttribute('data-fen'))).toBe(cash.expectedFen)
    await panel.getByTestId('shift-count-input').fill(fenToYuanString(countedFen))
    const difference = panel.getByTestId('cash-difference')
    await expect.poll(() => difference.getAttribute('data-fen')).toBe(String(-shortFen))
    expect(await difference.getAttribute('data-verdict')).toBe('short')
    expect(await difference.textContent()).toContain('短款')
    expect(await difference.textContent()).toContain(`钱箱比应有少 ${formatFen(shortFen)}`)
    await panel.getByTestId('shift-close-note').fill('找零时多找了')

    // The owner's PIN, on this screen: a wrong one is refused and the shift stays open.
    const approval = panel.getByTestId('manager-approval')
    await approval.waitFor()
    expect(await approval.textContent()).toContain(formatFen(shiftDifferenceLimitFen))
    await approval.getByTestId('approval-pin').fill('0000')
    await panel.getByTestId('shift-close-confirm').click()
    await expect.poll(() => approval.getByTestId('approval-error').textContent()).toContain('PIN 不正确')
    expect((await shift(shiftId)).status).toBe('open')
    await approval.getByTestId('approval-pin').fill('8888')
    await panel.getByTestId('shift-close-confirm').click()

    // The handover report, as a page of its own.
    const report = page.getByTestId('shift-report')
    await report.waitFor()
    expect(await report.getAttribute('data-shift-id')).toBe(shiftId)
    expect(await report.getAttribute('data-status')).toBe('closed')
    const closed = await shift(shiftId)
    expect(closed).toMatchObject({
      status: 'closed',
      countedCashFen: countedFen,
      differenceFen: -shortFen,
      closedBy: await memberId('cashier'),
      approvedBy: await memberId('owner'),
      note: '找零时多找了',
    })
    expect(
      Number(await report.getByTestId('report-difference').getByTestId('cash-difference').getAttribute('data-fen')),
    ).toBe(closed.differenceFen)
    expect(await numberOf('drawer-figure', 'counted')).toBe(closed.report.cash.countedFen)
    expect(await numberOf('drawer-figure', 'expected')).toBe(closed.report.cash.expectedFen)
    expect(await numberOf('drawer-figure', 'difference')).toBe(closed.report.cash.differenceFen)
    expect(await report.locator('[data-fact="approvedBy"]').textContent()).toContain('王店长')
    expect(await report.locator('[data-fact="note"]').textContent()).toContain('找零时多找了')

    // 导出 CSV: the file the browser saves from the Blob is the engine's CSV, with its byte-order mark for Excel.
    const csv = await downloadOf('shift-export')
    expect(csv.name).toBe(`shift-${shiftId}.csv`)
    expect([...csv.bytes.subarray(0, 3)]).toEqual(BOM)
    const firstRow = csvText(csv.bytes).slice(1).split('\r\n')[0]!
    expect(firstRow.split(',')).toEqual(expect.arrayContaining(['班次', shiftId, '收银台']))
    const engineCsv = (await till.app.api('GET', `/api/shifts/${shiftId}/csv?lang=zh-CN`)).json as { text: string }
    expect(csvText(csv.bytes)).toBe(engineCsv.text)

    // 打印: the browser's print, of a page that is the report alone.
    await page.evaluate(() => {
      const w = globalThis as unknown as { print: () => void; printed: number }
      w.printed = 0
      w.print = () => (w.printed += 1)
    })
    await page.getByTestId('shift-print').click()
    expect(await page.evaluate(() => (globalThis as unknown as { printed: number }).printed)).toBe(1)
    await page.emulateMedia({ media: 'print' })
    expect(await page.locator('.app-header').isVisible()).toBe(false)
    expect(await page.getByTestId('shift-export').isVisible()).toBe(false)
    expect(await report.isVisible()).toBe(true)
    await page.emulateMedia({ media: 'screen' })

    // 开始下一班: the till has no open shift now.
    await page.getByTestId('shift-next').click()
    await page.getByTestId('shift-open-form').waitFor()
    expect((await till.app.api('GET', `/api/shifts?status=open`)).json.shifts).toEqual([])
  })

  it('the owner signs in (切换), closes the day; the report on screen is the engine’s and the books agree', async () => {
    await page.getByTestId('switch-member').click()
    await signInThroughUi(page, 'owner')
    await page.getByTestId('nav-day').click()
    const report = page.getByTestId('day-report')
    await report.waitFor()

    const today = ((await till.app.api('GET', '/api/days?count=1')).json.days as { day: string }[])[0]!.day
    expect(await report.getAttribute('data-day')).toBe(today)
    expect(await report.getAttribute('data-status')).toBe('open')
    expect(await page.locator(`[data-testid="day-row"][data-day="${today}"]`).textContent()).toContain('今天')

    const checkAgainst = async (day: Day): Promise<void> => {
      const totals: [string, number][] = [
        ['orders', day.totals.orders],
        ['sales', day.totals.salesFen],
        ['refunds', day.totals.refundsFen],
        ['fees', day.totals.feesFen],
        ['net', day.totals.netFen],
        ['averageTicket', day.totals.averageTicketFen],
        ['cashOverShort', day.totals.cashOverShortFen],
        ['friendShare', day.friendPay.shareBp],
      ]
      for (const [name, value] of totals) {
        await expect.poll(() => numberOf('day-total', name, 'data-value'), { message: name }).toBe(value)
      }
      for (const name of ['sales', 'refunds', 'fees', 'net', 'averageTicket'] as const) {
        const fen = day.totals[`${name}Fen`]
        expect(await figure('day-total', name).textContent(), name).toContain(formatFen(fen))
      }
      expect(await page.getByTestId('day-wallet-row').count()).toBe(day.wallets.length)
      for (const wallet of day.wallets) {
        const row = page.locator(
          `[data-testid="day-wallet-row"][data-wallet="${wallet.wallet}"][data-account="${wallet.account}"]`,
        )
        expect(await row.locator('[data-figure="received"]').textContent()).toContain(formatFen(wallet.receivedFen))
        expect(await row.locator('[data-figure="net"]').textContent()).toContain(formatFen(wallet.netFen))
        expect(await row.locator('[data-figure="settlement"]').getAttribute('data-date')).toBe(wallet.settlementDate)
      }
      const shiftRow = page.locator(`[data-testid="day-shift-row"][data-shift-id="${shiftId}"]`)
      const listed = day.shifts.find((s) => s.id === shiftId)!
      expect(Number(await shiftRow.getAttribute('data-difference-fen'))).toBe(listed.differenceFen)
    }

    const before = (await till.app.api('GET', `/api/days/${today}`)).json as Day
    // The day holds what was sold and given back above, and the shift's shortfall.
    expect(before.totals).toMatchObject({
      orders: 2,
      refundsFen: REFUND_FEN,
      cashOverShortFen: -shortFen,
    })
    expect(before.shifts.find((s) => s.id === shiftId)?.differenceFen).toBe(-shortFen)
    await checkAgainst(before)

    // 日结, confirmed: the day is locked.
    await page.getByTestId('day-close').click()
    const confirm = page.locator('.day-close-confirm')
    await confirm.waitFor()
    expect(await confirm.textContent()).toContain(`日结 ${today}`)
    await confirm.getByRole('button', { name: '确认日结' }).click()
    await page.locator('[data-testid="day-report"][data-status="closed"]').waitFor()
    expect(await page.getByTestId('day-status').textContent()).toBe('已日结')
    expect(await page.getByTestId('day-closed-by').textContent()).toContain('王店长')
    expect(await page.getByTestId('day-close').count()).toBe(0)
    await expect
      .poll(() => page.locator(`[data-testid="day-row"][data-day="${today}"]`).getAttribute('data-status'))
      .toBe('closed')
    const after = (await till.app.api('GET', `/api/days/${today}`)).json as Day
    expect(after).toMatchObject({ status: 'closed', closedBy: await memberId('owner') })
    expect(after.totals).toEqual(before.totals)
    await checkAgainst(after)

    // 核对账本: the engine checks the whole journal; the screen says it agrees, with what it checked.
    const books = (await till.app.api('GET', '/api/books/verify')).json as {
      ok: boolean
      checked: { transactions: number }
    }
    expect(books.ok).toBe(true)
    await page.getByTestId('books-verify').click()
    const verdict = page.getByTestId('books-verdict')
    await verdict.waitFor()
    expect(await verdict.getAttribute('data-ok')).toBe('true')
    expect(await verdict.textContent()).toContain('账本核对无误')
    expect(await verdict.textContent()).toContain(`${books.checked.transactions} 笔记账`)

    // The day's CSV, from the Blob, byte-order mark first.
    const csv = await downloadOf('day-export')
    expect(csv.name).toBe(`day-${today}.csv`)
    expect([...csv.bytes.subarray(0, 3)]).toEqual(BOM)
    expect(csvText(csv.bytes).slice(1).split('\r\n')[0]!.split(',').slice(0, 2)).toEqual(['营业日', today])
    await page.context().close()
  })
})
