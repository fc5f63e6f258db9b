import { afterEach, describe, expect, it } from 'vitest'
import { testServer } from '../support/server'
import { pageTokenOf } from '../support/simulator'

let s: Awaited<ReturnType<typeof testServer>>
afterEach(async () => s?.dispose())

const DATE = '2026-11-21'
const NEXT_MORNING = Date.parse('2026-11-22T03:00:00Z')

async function sale(wallet: 'wechat' | 'alipay' | 'huabei', sku = 'BRK-001', extra: object = {}) {
  const body = sku === 'AMOUNT' ? { amountFen: 60_000 } : { lines: [{ sku, quantity: 2 }] }
  const order = await s.api('POST', '/api/orders', body)
  const payment = await s.api('POST', `/api/orders/${order.json.id}/payments`, { wallet, method: 'qr', ...extra })
  expect(payment.status).toBe(201)
  s.engine.simulator.confirm(pageTokenOf(payment.json.qrContent))
  await s.engine.idle()
  return { orderId: order.json.id as string, id: payment.json.id as string }
}

const run = (wallet: 'wechat' | 'alipay') => s.api('POST', '/api/reconciliation/runs', { wallet, date: DATE })

describe("reconciling the demo store against the simulator's own bills", () => {
  it("a day of sales and refunds on both wallets matches the simulator's bills to the fen", async () => {
    s = await testServer()
    const a = await sale('wechat')
    const b = await sale('wechat', 'DRK-001')
    await sale('alipay')
    await sale('huabei', 'AMOUNT', { installments: 3 })
    const refund = await s.api('POST', `/api/orders/${b.orderId}/refunds`, {
      amountFen: 100,
      reason: 'price_adjustment',
    })
    expect(refund.json.status).toBe('succeeded')
    const early = await run('wechat')
    expect(early.json).toMatchObject({ status: 'not_available', reason: expect.stringMatching(/10:00/) })
    s.clock.set(NEXT_MORNING)

    const wechat = await run('wechat')
    expect(wechat.status).toBe(201)
    expect(wechat.json).toMatchObject({ status: 'matched', matchedCount: 3, source: 'download', discrepancies: [] })
    expect(wechat.json.id).toBe(early.json.id)
    const alipay = await run('alipay')
    expect(alipay.json).toMatchObject({ status: 'matched', matchedCount: 2, discrepancies: [] })
    expect(wechat.json.bill).toMatchObject({ trades: 2, refunds: 1, refundedFen: 100 })
    expect(a.id).toMatch(/^pay_/)
  })

  it('each difference planted in the bill is found, and the suggested action fixes what it can', async () => {
    s = await testServer()
    const dropped = await sale('wechat')
    const changed = await sale('wechat')
    const fee = await sale('wechat')
    const elsewhere = await sale('wechat')
    const refundedThere = await sale('wechat')
    // The customer paid, but the wallet's notification was forged in transit: unpaid here, paid at the wallet.
    s.engine.simulator.setFaults([{ kind: 'wrong_signature', times: 1, delayMs: 0 }])
    const lost = await sale('wechat')
    const planted = await s.api('POST', '/api/simulator/bills/differences', {
      differences: [
        { kind: 'drop_trade', outTradeNo: dropped.id },
        { kind: 'change_amount', outTradeNo: changed.id, amountFen: 1 },
        { kind: 'change_fee', outTradeNo: fee.id, feeFen: 99 },
        { kind: 'other_account', outTradeNo: elsewhere.id, merchantId: 'SIM-WX-0002' },
        { kind: 'refund_at_wallet', outTradeNo: refundedThere.id, amountFen: 50 },
        { kind: 'add_trade', wallet: 'wechat', date: DATE, amountFen: 888 },
      ],
    })
    expect(planted.status).toBe(200)
    s.clock.set(NEXT_MORNING)

    const result = (await run('wechat')).json
    const kindOf = (id: string) =>
      result.discrepancies
        .filter((d: { outTradeNo: string }) => d.outTradeNo === id)
        .map((d: { kind: string }) => d.kind)
    expect(kindOf(dropped.id)).toEqual(['missing_at_wallet'])
    expect(kindOf(changed.id)).toEqual(['amount_mismatch'])
    expect(kindOf(fee.id)).toEqual(['fee_mismatch'])
    expect(kindOf(elsewhere.id)).toEqual(['other_account'])
    expect(kindOf(refundedThere.id)).toEqual(['status_mismatch'])
    expect(kindOf(lost.id)).toEqual(['missing_here'])
    const foreign = result.discrepancies.filter((d: { orderId: string | null; kind: string }) => d.orderId === null)
    expect(foreign).toMatchObject([{ kind: 'missing_here', theirsFen: 888, actions: ['explain'] }])
    expect(result.discrepancies).toHaveLength(7)

    const lostOne = result.discrepancies.find((d: { outTradeNo: string }) => d.outTradeNo === lost.id)
    const fixed = await s.api('POST', `/api/reconciliation/discrepancies/${lostOne.id}/resolve`, { action: 'query' })
    expect(fixed.json.discrepancies.find((d: { id: string }) => d.id === lostOne.id).status).toBe('resolved')
    expect((await s.api('GET', `/api/orders/${lost.orderId}`)).json.status).toBe('paid')
    // The bookkeeper's copy: one row per discrepancy of the day, in words, with what was done.
    const csv = await s.api('GET', `/api/exports/discrepancies.csv?from=${DATE}&to=${DATE}`)
    expect(csv.status).toBe(200)
    const rows = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
    expect(rows[0]).toContain('建议处理')
    expect(rows).toHaveLength(1 + result.discrepancies.length)
    const settled = rows.find((row) => row.includes(lost.id))
    expect(settled).toContain('已处理')
    expect(rows.find((row) => row.includes(changed.id))).toMatch(/金额不符.*0\.01/)
    const xlsx = await s.api('GET', `/api/exports/discrepancies.xlsx?from=${DATE}&to=${DATE}&lang=en-US`)
    expect(xlsx.status).toBe(200)
    expect(xlsx.headers.get('content-type')).toMatch(/spreadsheetml/)
    const again = (await run('wechat')).json
    expect(again.discrepancies.some((d: { outTradeNo: string }) => d.outTradeNo === lost.id)).toBe(false)
    expect((await s.api('GET', '/api/books/verify')).json.ok).toBe(true)
  })
})
