import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { SYSTEM_CALLER } from '../../src/engine'
import { openDatabase } from '../../src/engine/db/open'
import { openSimulatorBooks, SIMULATOR_MIGRATIONS } from '../../src/engine/providers/simulatorBooks'
import type { CreatedPayment, OrderDetail } from '../../src/shared/api/types'
import { readBill } from '../../src/engine/reconciliation/bills'
import { readAll } from '../support/billFiles'
import { tempDir, testEngine } from '../support/engine'
import { order } from '../support/routing'
import { customerPays } from '../support/simulator'
import { testServer } from '../support/server'

let t: Pick<ReturnType<typeof testEngine>, 'engine' | 'clock' | 'dir' | 'dispose'>
afterEach(async () => t?.dispose())

const DAY = 24 * 3600_000
/** START (tests/support/engine.ts) is 10:00 on 21 November in Beijing. */
const SALE_DAY = '2026-11-21'
const WECHAT_CODE = '134567890123456781'
const ALIPAY_CODE = '281234567890123456'

const pay = (input: Record<string, unknown>) =>
  t.engine.invokeUntrusted('payments.create', input, SYSTEM_CALLER) as Promise<CreatedPayment>
const detail = (id: string) => t.engine.invoke('orders.get', { id }) as Promise<OrderDetail>

async function qrSale(amountFen: number, wallet: string, extra: Record<string, unknown> = {}) {
  const o = await order(t.engine, { amountFen })
  const payment = await pay({ id: o.id, wallet, method: 'qr', ...extra })
  await customerPays(t.engine, payment.qrContent)
  return detail(o.id)
}

async function codeSale(amountFen: number, wallet: string, authCode: string) {
  const o = await order(t.engine, { amountFen })
  await pay({ id: o.id, wallet, method: 'payment-code', authCode })
  return detail(o.id)
}

async function refund(o: OrderDetail, amountFen: number) {
  await t.engine.invoke('refunds.create', { id: o.id, amountFen, reason: 'customer_return' })
  await t.engine.idle()
  return (await detail(o.id)).refunds.at(-1)!
}

/** The day's sales: QR and payment code on both wallets, Huabei, a partial and a full refund. */
async function sales() {
  const wechatQr = await qrSale(2590, 'wechat')
  const wechatCode = await codeSale(880, 'wechat', WECHAT_CODE)
  const alipayQr = await qrSale(4200, 'alipay')
  const alipayCode = await codeSale(1500, 'alipay', ALIPAY_CODE)
  const huabei = await qrSale(20_000, 'huabei', { installments: 6 })
  t.clock.advance(3600_000)
  const wechatRefund = await refund(wechatQr, 590)
  const alipayRefund = await refund(alipayCode, 1500)
  return { wechatQr, wechatCode, alipayQr, alipayCode, huabei, wechatRefund, alipayRefund }
}

async function bill(wallet: 'wechat' | 'alipay', date = SALE_DAY) {
  const dir = mkdtempSync(join(t.dir, 'bill-'))
  const downloaded = await t.engine.simulator.downloadBill({ wallet, date, dir })
  expect(downloaded.format).toBe(wallet === 'wechat' ? 'wechat-csv' : 'alipay-zip')
  return readAll(readBill(downloaded.format, downloaded.path))
}

const paidLine = (o: OrderDetail) => {
  const attempt = o.attempts.find((a) => a.status === 'succeeded')!
  return {
    kind: 'payment',
    outTradeNo: attempt.id,
    providerTradeNo: attempt.providerTradeNo,
    amountFen: attempt.amountFen,
    feeFen: attempt.merchantFeeFen,
    at: Date.parse(attempt.succeededAt!),
  }
}
const refundLine = (r: OrderDetail['refunds'][number]) => ({
  kind: 'refund',
  outTradeNo: r.attemptId,
  outRefundNo: r.id,
  amountFen: r.amountFen,
  feeFen: 0,
})
type Sortable = { outTradeNo: string; kind: string }
const byTrade = <T extends Sortable>(lines: T[]) =>
  [...lines].sort((a, b) => (a.outTradeNo + a.kind < b.outTradeNo + b.kind ? -1 : 1))
/** What a bill's lines are to hold, in the order byTrade puts the lines read. */
const linesLike = (lines: (Sortable & Record<string, unknown>)[]) =>
  byTrade(lines).map((line) => expect.objectContaining(line))

describe("the simulated wallets' bills", () => {
  it("are the day's payments and refunds, with the fee the merchant's rate gives", async () => {
    t = testEngine()
    const s = await sales()
    t.clock.advance(DAY)

    const wechat = await bill('wechat')
    expect(byTrade(wechat.lines)).toEqual(
      linesLike([
        { ...paidLine(s.wechatQr), merchantId: 'SIM-WX-0001', state: 'SUCCESS' },
        { ...paidLine(s.wechatCode), merchantId: 'SIM-WX-0001' },
        { ...refundLine(s.wechatRefund), merchantId: 'SIM-WX-0001', state: 'REFUND' },
      ]),
    )
    const wechatFees = [s.wechatQr, s.wechatCode].map((o) => o.attempts[0]!.merchantFeeFen!)
    expect(wechatFees.every((fee) => fee > 0)).toBe(true)
    expect(wechat.summary).toEqual({
      type: 'summary',
      trades: 3,
      paidFen: 2590 + 880,
      refundedFen: 590,
      feesFen: wechatFees[0]! + wechatFees[1]!,
    })

    const alipay = await bill('alipay')
    expect(byTrade(alipay.lines)).toEqual(
      linesLike([
        { ...paidLine(s.alipayQr), merchantId: 'SIM-ALI-0001', state: '交易' },
        { ...paidLine(s.alipayCode), merchantId: 'SIM-ALI-0001' },
        { ...paidLine(s.huabei), merchantId: 'SIM-ALI-0001' },
        { ...refundLine(s.alipayRefund), merchantId: 'SIM-ALI-0001', state: '退款' },
      ]),
    )
    // Huabei's line carries the installment fee the merchant bears on top of the rate, as the payment does.
    const huabeiFee = s.huabei.attempts[0]!.merchantFeeFen!
    expect(alipay.lines.find((l) => l.outTradeNo === s.huabei.attempts[0]!.id)!.feeFen).toBe(huabeiFee)
    const alipayFees = [s.alipayQr, s.alipayCode, s.huabei].map((o) => o.attempts[0]!.merchantFeeFen!)
    expect(alipay.summary).toEqual({
      type: 'summary',
      trades: 4,
      paidFen: 4200 + 1500 + 20_000,
      refundedFen: 1500,
      feesFen: alipayFees.reduce((sum, fee) => sum + fee, 0),
    })
  })

  it('put a refund on the bill of the day it was made, and have no bill of a day not over', async () => {
    t = testEngine()
    const sale = await qrSale(1000, 'wechat')
    await expect(
      t.engine.simulator.downloadBill({ wallet: 'wechat', date: SALE_DAY, dir: t.dir }),
    ).rejects.toMatchObject({ code: 'BILL_NOT_AVAILABLE', details: { reason: 'too_early' } })
    t.clock.advance(DAY)
    const nextDay = await refund(sale, 400)
    expect((await bill('wechat')).lines.map((l) => l.kind)).toEqual(['payment'])
    await expect(
      t.engine.simulator.downloadBill({ wallet: 'wechat', date: '2026-11-22', dir: t.dir }),
    ).rejects.toMatchObject({ code: 'BILL_NOT_AVAILABLE' })
    t.clock.advance(DAY)
    const second = await bill('wechat', '2026-11-22')
    expect(second.lines).toEqual([expect.objectContaining(refundLine(nextDay))])
    const empty = await bill('alipay', '2026-11-22')
    expect(empty).toEqual({
      lines: [],
      summary: { type: 'summary', trades: 0, paidFen: 0, refundedFen: 0, feesFen: 0 },
    })
  })
})

describe('a bill download that fails at the wallet', () => {
  it('fails as a planned fault says, and the next download succeeds', async () => {
    t = testEngine()
    await qrSale(1000, 'wechat')
    t.clock.advance(DAY)
    t.engine.simulator.setFaults([{ kind: 'server_error', calls: ['downloadBill'], times: 1, delayMs: 0 }])
    await expect(
      t.engine.simulator.downloadBill({ wallet: 'wechat', date: SALE_DAY, dir: t.dir }),
    ).rejects.toMatchObject({ code: 'PROVIDER_ERROR' })
    expect((await bill('wechat')).lines).toHaveLength(1)
  })
})

describe('differences planned between the books and the bills', () => {
  it('each show up in the bill, and the bill agrees with its own summary', async () => {
    t = testEngine()
    const s = await sales()
    t.clock.advance(DAY)
    const id = (o: OrderDetail) => o.attempts.find((a) => a.status === 'succeeded')!.id
    const planned = await t.engine.simulator.setBillDifferences([
      { kind: 'drop_trade', outTradeNo: id(s.wechatCode) },
      { kind: 'change_amount', outTradeNo: id(s.wechatQr), amountFen: 2600 },
      { kind: 'change_fee', outTradeNo: id(s.alipayQr), feeFen: 99 },
      { kind: 'refund_at_wallet', outTradeNo: id(s.huabei), amountFen: 5000 },
      { kind: 'add_trade', wallet: 'wechat', date: SALE_DAY, amountFen: 777, feeFen: 5 },
      { kind: 'other_account', outTradeNo: id(s.alipayQr), merchantId: 'SIM-ALI-0002' },
    ])
    expect(t.engine.simulator.billDifferences()).toEqual(planned)
    const added = planned[4]!.outTradeNo!

    const wechat = await bill('wechat')
    expect(wechat.lines.map((l) => l.outTradeNo)).not.toContain(id(s.wechatCode))
    expect(wechat.lines.find((l) => l.outTradeNo === id(s.wechatQr) && l.kind === 'payment')!.amountFen).toBe(2600)
    expect(wechat.lines.find((l) => l.outTradeNo === added)).toMatchObject({
      kind: 'payment',
      amountFen: 777,
      feeFen: 5,
      merchantId: 'SIM-WX-0001',
    })
    expect(wechat.summary).toMatchObject({ trades: 3, paidFen: 2600 + 777 })

    const alipay = await bill('alipay')
    expect(alipay.lines.find((l) => l.outTradeNo === id(s.alipayQr))).toMatchObject({
      feeFen: 99,
      merchantId: 'SIM-ALI-0002',
    })
    expect(alipay.lines.filter((l) => l.outTradeNo === id(s.huabei)).map((l) => [l.kind, l.amountFen])).toEqual([
      ['payment', 20_000],
      ['refund', 5000],
    ])
    expect(alipay.summary).toMatchObject({ trades: 5, refundedFen: 1500 + 5000 })
  })

  it('are planned over HTTP, validated, and refused for trades the wallet never had', async () => {
    const s = await testServer()
    t = s
    const sale = await qrSale(1000, 'alipay')
    const anonymous = await fetch(`${s.base}/api/simulator/bills/differences`)
    expect(anonymous.status).toBe(401)
    const post = (body: unknown) => s.api('POST', '/api/simulator/bills/differences', body)
    const bad = await post({ differences: [{ kind: 'change_fee', outTradeNo: 'x' }] })
    expect([bad.status, bad.json.error.code]).toEqual([400, 'VALIDATION_FAILED'])
    const unknown = await post({ differences: [{ kind: 'drop_trade', outTradeNo: 'pay_nothing' }] })
    expect([unknown.status, unknown.json.error.code]).toEqual([404, 'NOT_FOUND'])
    const outTradeNo = sale.attempts[0]!.id
    const planned = await post({ differences: [{ kind: 'drop_trade', outTradeNo }] })
    expect(planned.status).toBe(200)
    const listed = await s.api('GET', '/api/simulator/bills/differences')
    expect(listed.json).toEqual({ differences: [{ kind: 'drop_trade', outTradeNo }] })
    t.clock.advance(DAY)
    expect((await bill('alipay')).lines).toEqual([])
  })
})

describe("the simulated wallet's books", () => {
  it('keep the trades of an older version, with no account and no fee, when they gain the bills', () => {
    const dir = tempDir()
    try {
      const file = join(dir.path, 'simulator.sqlite')
      const old = openDatabase(file, { migrations: SIMULATOR_MIGRATIONS.slice(0, 1), synchronous: 'NORMAL' })
      old
        .prepare(
          `INSERT INTO sim_trades (out_trade_no, wallet, amount_fen, description, page_token, state, expires_at, created_at)
           VALUES ('pay_old', 'wechat', 100, 'old', 'token_old_0000000', 'SUCCESS', 0, 0)`,
        )
        .run()
      old.close()
      const books = openSimulatorBooks(file)
      try {
        expect(books.pragma('user_version', { simple: true })).toBe(SIMULATOR_MIGRATIONS.at(-1)!.version)
        expect(books.prepare('SELECT merchant_id, fee_fen FROM sim_trades').get()).toEqual({
          merchant_id: null,
          fee_fen: 0,
        })
        expect(books.prepare('SELECT COUNT(*) AS n FROM sim_bill_differences').get()).toEqual({ n: 0 })
      } finally {
        books.close()
      }
    } finally {
      dir.remove()
    }
  })
})
