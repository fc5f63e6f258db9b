import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createWriteStream } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getWalletConfig } from '../../src/engine/config/wallets'
import { writeWechatBill, type BillRecord } from '../../src/engine/reconciliation/bills'
import { startServer, type RunningServer } from '../../src/server'
import { loadServerConfig } from '../../src/server/config'
import { formatFen } from '../../src/shared/money'
import { launchChromium } from '../support/browser'
import { openSignedIn } from '../support/console'
import { testEngine } from '../support/engine'
import { TEST_TOKEN } from '../support/server'
import { pageTokenOf } from '../support/simulator'

/** The sales are made on DATE at 10:00 Beijing time (the test engine's start); the bill is fetched next morning. */
const DATE = '2026-11-21'
const NEXT_MORNING = Date.parse('2026-11-22T03:00:00Z')

interface Sale {
  orderId: string
  paymentId: string
}

/**
 * The engine on a manual clock behind the real HTTP server, serving the built console: the day of sales is over
 * when the test says so, and the wallet's bill of that day can be fetched.
 */
function reconciliationTill() {
  const parts = {} as { t: ReturnType<typeof testEngine>; server: RunningServer; browser: Browser; session: string }
  beforeAll(async () => {
    parts.t = testEngine()
    parts.server = await startServer({
      engine: parts.t.engine,
      config: loadServerConfig({ HUTONG_HOST: '127.0.0.1', HUTONG_PORT: '0' }),
      apiToken: TEST_TOKEN,
      version: 'test',
      consoleDir: join(process.cwd(), 'out', 'renderer'),
    })
    parts.browser = await launchChromium()
  })
  afterAll(async () => {
    await parts.browser?.close()
    await parts.server?.close()
    await parts.t?.dispose()
  })
  const base = () => parts.server.localUrl

  /** As the owner signed in at a console; signed in again when the clock has moved past the session's life. */
  async function call(method: string, path: string, body?: unknown, session = true): Promise<any> {
    const answer = await send(method, path, body, session)
    if (answer?.error?.code !== 'SESSION_EXPIRED') return answer
    parts.session = ''
    return send(method, path, body, session)
  }

  async function send(method: string, path: string, body: unknown, session: boolean): Promise<any> {
    const response = await fetch(base() + path, {
      method,
      headers: {
        Authorization: `Bearer ${TEST_TOKEN}`,
        ...(session ? { 'X-Hutong-Session': await ownerSession() } : {}),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return response.json()
  }

  async function ownerSession(): Promise<string> {
    if (parts.session) return parts.session
    const { staff } = await send('GET', '/api/auth/staff', undefined, false)
    const owner = (staff as { id: string; role: string }[]).find((m) => m.role === 'owner')!
    const signed = await send('POST', '/api/auth/sign-in', { staffId: owner.id, pin: '8888' }, false)
    parts.session = signed.token as string
    return parts.session
  }

  return {
    get engine() {
      return parts.t.engine
    },
    get clock() {
      return parts.t.clock
    },
    call,
    /** A WeChat Pay sale at the counter: the customer pays on the simulator's page. */
    async sale(sku: string): Promise<Sale> {
      const order = await call('POST', '/api/orders', { lines: [{ sku, quantity: 1 }] })
      const payment = await call('POST', `/api/orders/${order.id}/payments`, { wallet: 'wechat', method: 'qr' })
      parts.t.engine.simulator.confirm(pageTokenOf(payment.qrContent))
      await parts.t.engine.idle()
      return { orderId: order.id as string, paymentId: payment.id as string }
    },
    /** The console in Chromium, its own clock on the engine's, the owner signed in. */
    async open(route: string, viewport = { width: 1366, height: 768 }): Promise<Page> {
      const context = await parts.browser.newContext({ viewport, locale: 'zh-CN' })
      await context.clock.setFixedTime(parts.t.clock.now())
      const page = await context.newPage()
      await openSignedIn(page, { base: base(), token: TEST_TOKEN }, route)
      return page
    },
  }
}

type Till = ReturnType<typeof reconciliationTill>

/** A payment as the wallet's bill lists it, from what the engine recorded of it. */
function billRecord(till: Till, sale: Sale): BillRecord {
  const attempt = till.engine.db
    .prepare('SELECT amount_fen, merchant_fee_fen, account_id, provider_trade_no FROM payment_attempts WHERE id = ?')
    .get(sale.paymentId) as {
    amount_fen: number
    merchant_fee_fen: number | null
    account_id: string
    provider_trade_no: string | null
  }
  const account = getWalletConfig(till.engine.db, 'wechat').accounts.find((a) => a.id === attempt.account_id)!
  return {
    kind: 'payment',
    outTradeNo: sale.paymentId,
    providerTradeNo: attempt.provider_trade_no ?? `4200${sale.paymentId.slice(-10)}`,
    merchantId: account.merchantId,
    amountFen: attempt.amount_fen,
    feeFen: attempt.merchant_fee_fen ?? 0,
    at: Date.parse(`${DATE}T02:00:00Z`),
    description: '早餐',
  }
}

/** A WeChat Pay trade bill as the merchant platform's download saves it. */
async function wechatBillFile(records: BillRecord[]): Promise<{ path: string; remove(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'hutong-bill-'))
  const path = join(dir, `${DATE}-wechat.csv`)
  await pipeline(Readable.from(writeWechatBill(records)), createWriteStream(path))
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

function wechatPanel(page: Page) {
  return page.locator('[data-testid="recon-wallet"][data-wallet="wechat"]')
}

function rowOf(page: Page, paymentId: string) {
  return wechatPanel(page).locator(`[data-testid="discrepancy-row"][data-trade-no="${paymentId}"]`)
}

function dayListWechat(page: Page) {
  return page.locator(
    `[data-testid="recon-day"][data-date="${DATE}"] [data-testid="recon-day-wallet"][data-wallet="wechat"]`,
  )
}

describe('reconciling a day of WeChat Pay sales on the reconciliation screen', () => {
  const till = reconciliationTill()
  let lost: Sale
  let spare: Sale
  let kept: Sale
  let keptFee: number

  beforeAll(async () => {
    // The wallet's notification is forged in transit: the payment is taken at the wallet and stays unpaid here.
    till.engine.simulator.setFaults([{ kind: 'wrong_signature', times: 1, delayMs: 0 }])
    lost = await till.sale('BRK-001')
    // The same again; the customer then pays in cash and closing the QR code fails, so nobody here learns that
    // the wallet took money too.
    till.engine.simulator.setFaults([{ kind: 'wrong_signature', times: 1, delayMs: 0 }])
    spare = await till.sale('DRK-001')
    till.engine.simulator.setFaults([{ kind: 'server_error', calls: ['close', 'query'], times: 20, delayMs: 0 }])
    const spareOrder = await till.call('GET', `/api/orders/${spare.orderId}`)
    await till.call('POST', `/api/orders/${spare.orderId}/payments`, {
      wallet: 'cash',
      tenderedFen: spareOrder.totalFen,
    })
    await till.engine.idle()
    till.engine.simulator.setFaults([])
    kept = await till.sale('BRK-001')
    const refund = await till.call('POST', `/api/orders/${kept.orderId}/refunds`, {
      amountFen: 100,
      reason: 'price_adjustment',
    })
    expect(refund.status).toBe('succeeded')
    expect((await till.call('GET', `/api/orders/${lost.orderId}`)).status).not.toBe('paid')
    expect((await till.call('GET', `/api/orders/${spare.orderId}`)).paidWallet).toBe('cash')
    // Injected into the simulator's bill: the wallet charged the kept sale a fen more than the rate here.
    keptFee = billRecord(till, kept).feeFen
    const planned = await till.call('POST', '/api/simulator/bills/differences', {
      differences: [{ kind: 'change_fee', outTradeNo: kept.paymentId, feeFen: keptFee + 1 }],
    })
    expect(planned.differences).toHaveLength(1)
    till.clock.set(NEXT_MORNING)
  })

  it('downloads the bill, shows each difference with its suggestion, and settles them in one click each', async () => {
    const page = await till.open('/reconciliation')
    await page.getByTestId('nav-reconciliation').waitFor()
    expect(await dayListWechat(page).getAttribute('data-status')).toBe('not_run')
    expect(await dayListWechat(page).textContent()).toContain('未对账')
    expect(await page.getByTestId('recon-day-detail').getAttribute('data-date')).toBe(DATE)

    await wechatPanel(page).getByTestId('recon-download').click()
    await expect.poll(() => wechatPanel(page).getAttribute('data-status')).toBe('discrepancies')
    expect(await wechatPanel(page).getByTestId('recon-wallet-status').textContent()).toBe('有差异 (3)')
    expect(await dayListWechat(page).textContent()).toContain('有差异 (3)')

    // The bill's totals above the table: three trades at the wallet and one refund.
    const [run] = (await till.call('GET', `/api/reconciliation?date=${DATE}`)).runs
    expect(run).toMatchObject({ wallet: 'wechat', status: 'discrepancies', bill: { trades: 3, refunds: 1 } })
    const totals = wechatPanel(page).getByTestId('recon-totals')
    expect(await totals.getByTestId('recon-trades').textContent()).toBe('3')
    expect(await totals.getByTestId('recon-refunds').textContent()).toBe('1')
    expect(await totals.getByTestId('recon-paid').textContent()).toBe(formatFen(run.bill.paidFen))
    expect(await totals.getByTestId('recon-refunded').textContent()).toBe(formatFen(100))
    expect(await totals.getByTestId('recon-fees').textContent()).toBe(formatFen(run.bill.feesFen))
    expect(await totals.getByTestId('recon-matched').textContent()).toBe(`${run.matchedCount} 笔`)

    // Paid at the wallet, unpaid here: the engine's suggestion, in words, and 查询并入账 / 备注说明.
    const lostRow = rowOf(page, lost.paymentId)
    const finding = (id: string) => run.discrepancies.find((d: { outTradeNo: string }) => d.outTradeNo === id)
    expect(await lostRow.getAttribute('data-kind')).toBe('missing_here')
    expect(await lostRow.textContent()).toContain('钱包有、本店无')
    expect(await lostRow.getByTestId('discrepancy-suggestion').textContent()).toBe(
      finding(lost.paymentId).suggestedAction,
    )
    expect(finding(lost.paymentId).suggestedAction).toMatch(/微信支付/)
    expect(await lostRow.getByTestId('discrepancy-ours').textContent()).toBe('—')
    expect(await lostRow.getByTestId('discrepancy-theirs').textContent()).toBe(
      formatFen(finding(lost.paymentId).theirsFen),
    )
    expect(await lostRow.getByTestId('discrepancy-action').allTextContents()).toEqual(['查询并入账', '备注说明'])

    await lostRow.locator('[data-testid="discrepancy-action"][data-action="query"]').click()
    await expect.poll(() => lostRow.getAttribute('data-status')).toBe('resolved')
    expect(await lostRow.getByTestId('discrepancy-status').textContent()).toBe('已处理')
    expect(await lostRow.getByTestId('discrepancy-settled-by').textContent()).toContain('王店长')
    expect(await lostRow.getByTestId('discrepancy-action').count()).toBe(0)
    expect(await wechatPanel(page).getByTestId('recon-wallet-status').textContent()).toBe('有差异 (2)')

    // Money the wallet took for an order paid in cash: 退款, confirmed with the amount first.
    const spareRow = rowOf(page, spare.paymentId)
    const spareFen = finding(spare.paymentId).theirsFen as number
    expect(await spareRow.getByTestId('discrepancy-action').allTextContents()).toEqual(['退款', '备注说明'])
    await spareRow.locator('[data-testid="discrepancy-action"][data-action="refund"]').click()
    const confirm = page.locator('.recon-refund-confirm')
    expect(await confirm.textContent()).toContain(`将 ${formatFen(spareFen)} 退回顾客的微信支付？`)
    await confirm.getByRole('button', { name: '退款' }).click()
    await expect.poll(() => spareRow.getAttribute('data-status')).toBe('resolved')
    const refunds = (await till.call('GET', `/api/refunds?orderId=${spare.orderId}`)).refunds
    expect(refunds).toMatchObject([{ paymentId: spare.paymentId, amountFen: spareFen }])

    // The fee injected into the bill: explained with a note, which is required.
    const feeRow = rowOf(page, kept.paymentId)
    expect(await feeRow.getAttribute('data-kind')).toBe('fee_mismatch')
    expect(await feeRow.getByTestId('discrepancy-ours').textContent()).toBe(formatFen(keptFee))
    expect(await feeRow.getByTestId('discrepancy-theirs').textContent()).toBe(formatFen(keptFee + 1))
    await feeRow.locator('[data-testid="discrepancy-action"][data-action="explain"]').click()
    const dialog = page.getByTestId('explain-dialog')
    await dialog.getByTestId('explain-note').waitFor()
    await dialog.getByTestId('explain-save').click()
    expect(await dialog.getByTestId('explain-missing').textContent()).toBe('请填写说明')
    expect(await feeRow.getAttribute('data-status')).toBe('open')
    await dialog.getByTestId('explain-note').fill('签约费率 0.62%，已联系服务商')
    await dialog.getByTestId('explain-save').click()
    await dialog.waitFor({ state: 'hidden' })
    await expect.poll(() => feeRow.getAttribute('data-status')).toBe('explained')
    expect(await feeRow.getByTestId('discrepancy-note').textContent()).toBe('签约费率 0.62%，已联系服务商')
    expect(await feeRow.getByTestId('discrepancy-status').textContent()).toBe('已说明')

    // Nothing left open: the day reads matched, in the list too.
    await expect.poll(() => wechatPanel(page).getAttribute('data-status')).toBe('matched')
    expect(await wechatPanel(page).getByTestId('recon-wallet-status').textContent()).toBe('已对平')
    expect(await dayListWechat(page).textContent()).toContain('已对平')

    // The bookkeeper's copy of the day's differences, with what was done about each.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('discrepancies-export-csv').click(),
    ])
    const chunks: Buffer[] = []
    for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer)
    const csv = Buffer.concat(chunks).toString('utf8')
    expect(download.suggestedFilename()).toMatch(/^discrepancies-.*\.csv$/)
    expect(csv).toContain('签约费率 0.62%，已联系服务商')
    expect(csv.split('\r\n').filter((row) => row.includes(lost.paymentId))[0]).toContain('已处理')

    // The order whose notification was lost is paid, as the orders screen shows.
    await lostRow.getByTestId('discrepancy-order').click()
    const detail = page.getByTestId('order-detail')
    await expect.poll(() => detail.getAttribute('data-order-id')).toBe(lost.orderId)
    await expect.poll(() => detail.getByTestId('order-status').getAttribute('data-status')).toBe('paid')
    expect(await detail.getByTestId('order-status').textContent()).toBe('已支付')
    expect((await till.call('GET', `/api/orders/${lost.orderId}`)).status).toBe('paid')
    await page.context().close()
  })

  it('reads in English: states, kinds, actions and the engine’s suggestion', async () => {
    const page = await till.open(`/reconciliation/${DATE}`)
    await wechatPanel(page).getByTestId('discrepancy-row').first().waitFor()
    await page.getByTestId('locale-switch').click()
    await expect.poll(() => wechatPanel(page).getByTestId('recon-wallet-status').textContent()).toBe('Matched')
    const [run] = (await till.call('GET', `/api/reconciliation?date=${DATE}&lang=en-US`)).runs
    const feeFinding = run.discrepancies.find((d: { outTradeNo: string }) => d.outTradeNo === kept.paymentId)
    const feeRow = rowOf(page, kept.paymentId)
    await expect.poll(() => feeRow.getByTestId('discrepancy-suggestion').textContent()).toBe(feeFinding.suggestedAction)
    expect(feeFinding.suggestedAction).toMatch(/WeChat Pay/)
    expect(await feeRow.textContent()).toContain('Fee differs')
    expect(await feeRow.getByTestId('discrepancy-status').textContent()).toBe('Explained')
    expect(await rowOf(page, lost.paymentId).textContent()).toContain('At the wallet, not here')
    expect(await page.getByTestId('nav-reconciliation').textContent()).toBe('Reconcile')
    const alipay = page.locator('[data-testid="recon-wallet"][data-wallet="alipay"]')
    expect(await alipay.getByTestId('recon-wallet-status').textContent()).toBe('Not reconciled')
    expect(await alipay.getByTestId('recon-download').textContent()).toContain('Download bill and reconcile')
    await page.context().close()
  })
})

describe('importing a bill file saved from the WeChat Pay merchant platform', () => {
  const till = reconciliationTill()

  it('sends the file, lists its differences, and settles them: queried, and explained with a note', async () => {
    // The first notification is forged in transit: that payment is taken at the wallet and stays unpaid here.
    till.engine.simulator.setFaults([{ kind: 'wrong_signature', times: 1, delayMs: 0 }])
    const lost = await till.sale('BRK-001')
    const paid = await till.sale('DRK-001')
    till.clock.set(NEXT_MORNING)
    const charged = billRecord(till, paid)
    // The wallet charged a fen more than the rate configured here.
    const bill = await wechatBillFile([billRecord(till, lost), { ...charged, feeFen: charged.feeFen + 1 }])

    const page = await till.open(`/reconciliation/${DATE}`)
    await wechatPanel(page).getByTestId('recon-file').setInputFiles(bill.path)
    await expect.poll(() => wechatPanel(page).getAttribute('data-status')).toBe('discrepancies')
    // Chromium reads a picked file when it is sent, not when it is picked.
    bill.remove()
    expect(await wechatPanel(page).getByTestId('recon-wallet-status').textContent()).toBe('有差异 (2)')
    expect(await wechatPanel(page).textContent()).toContain('导入文件')
    const totals = wechatPanel(page).getByTestId('recon-totals')
    expect(await totals.getByTestId('recon-trades').textContent()).toBe('2')
    const lostFen = billRecord(till, lost).amountFen
    expect(await totals.getByTestId('recon-paid').textContent()).toBe(formatFen(lostFen + charged.amountFen))
    expect(await totals.getByTestId('recon-fees').textContent()).toBe(
      formatFen(billRecord(till, lost).feeFen + charged.feeFen + 1),
    )

    const lostRow = rowOf(page, lost.paymentId)
    expect(await lostRow.getAttribute('data-kind')).toBe('missing_here')
    expect(await lostRow.getByTestId('discrepancy-theirs').textContent()).toBe(formatFen(lostFen))
    await lostRow.locator('[data-testid="discrepancy-action"][data-action="query"]').click()
    await expect.poll(() => lostRow.getAttribute('data-status')).toBe('resolved')

    const feeRow = rowOf(page, paid.paymentId)
    expect(await feeRow.getAttribute('data-kind')).toBe('fee_mismatch')
    expect(await feeRow.textContent()).toContain('手续费不符')
    expect(await feeRow.getByTestId('discrepancy-ours').textContent()).toBe(formatFen(charged.feeFen))
    expect(await feeRow.getByTestId('discrepancy-theirs').textContent()).toBe(formatFen(charged.feeFen + 1))
    expect(await feeRow.getByTestId('discrepancy-action').allTextContents()).toEqual(['备注说明'])
    await feeRow.getByTestId('discrepancy-action').click()
    const dialog = page.getByTestId('explain-dialog')
    await dialog.getByTestId('explain-note').fill('签约费率 0.62%，已联系服务商')
    await dialog.getByTestId('explain-save').click()
    await expect.poll(() => feeRow.getAttribute('data-status')).toBe('explained')
    expect(await feeRow.getByTestId('discrepancy-note').textContent()).toBe('签约费率 0.62%，已联系服务商')
    expect(await feeRow.getByTestId('discrepancy-settled-by').textContent()).toContain('王店长')

    await expect.poll(() => wechatPanel(page).getAttribute('data-status')).toBe('matched')
    expect(await dayListWechat(page).textContent()).toContain('已对平')
    expect((await till.call('GET', `/api/orders/${lost.orderId}`)).status).toBe('paid')

    // In English: the states and kinds in words, and the engine's suggestion asked again in English.
    await page.getByTestId('locale-switch').click()
    await expect.poll(() => wechatPanel(page).getByTestId('recon-wallet-status').textContent()).toBe('Matched')
    const [english] = (await till.call('GET', `/api/reconciliation?date=${DATE}&lang=en-US`)).runs
    const feeFinding = english.discrepancies.find((d: { outTradeNo: string }) => d.outTradeNo === paid.paymentId)
    expect(feeFinding.suggestedAction).toMatch(/WeChat Pay/)
    await expect.poll(() => feeRow.getByTestId('discrepancy-suggestion').textContent()).toBe(feeFinding.suggestedAction)
    expect(await feeRow.textContent()).toContain('Fee differs')
    expect(await feeRow.getByTestId('discrepancy-status').textContent()).toBe('Explained')
    expect(await lostRow.getByTestId('discrepancy-status').textContent()).toBe('Resolved')
    expect(await wechatPanel(page).getByTestId('recon-totals').textContent()).toContain('Trades')
    await page.context().close()
  })
})
