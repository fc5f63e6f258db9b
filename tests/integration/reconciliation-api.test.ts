import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { testServer } from '../support/server'
import { pageTokenOf } from '../support/simulator'

let s: Awaited<ReturnType<typeof testServer>>
afterEach(async () => s?.dispose())

/** The sales are made at 10:00 Beijing time on DATE (the test engine's start); the bill is read the next morning. */
const DATE = '2026-11-21'
const NEXT_MORNING = Date.parse('2026-11-22T03:00:00Z')

const WECHAT_HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注'

interface Line {
  outTradeNo: string
  fen: number
  feeFen?: number
  mchid?: string
  refund?: { outRefundNo: string; fen: number }
}

const yuan = (fen: number) =>
  `${fen < 0 ? '-' : ''}${Math.floor(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, '0')}`
const fee = (fen: number) => `${yuan(fen)}000`

/** A WeChat Pay trade bill (bill_type=ALL) as the merchant platform serves it: BOM, backticks, a summary. */
function wechatBill(lines: Line[]): string {
  const rows = lines.map((l, i) => {
    const refund = l.refund
    const cells = [
      '2026-11-21 10:00:00',
      'wx0000000000000001',
      '1900000001',
      l.mchid ?? 'SIM-WX-0001',
      'till-1',
      `42000000${String(i).padStart(20, '0')}`,
      l.outTradeNo,
      'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
      'NATIVE',
      refund ? 'REFUND' : 'SUCCESS',
      'OTHERS',
      'CNY',
      refund ? '0.00' : yuan(l.fen),
      '0.00',
      refund ? `50300000${String(i).padStart(20, '0')}` : '0',
      refund?.outRefundNo ?? '0',
      refund ? yuan(refund.fen) : '0.00',
      '0.00',
      refund ? 'ORIGINAL' : '',
      refund ? 'SUCCESS' : '',
      '早餐',
      '',
      fee(refund ? -(l.feeFen ?? 0) : (l.feeFen ?? 0)),
      '0.60%',
      yuan(l.fen),
      refund ? yuan(refund.fen) : '0.00',
      '',
    ]
    return cells.map((c) => `\`${c}`).join(',')
  })
  const paid = lines.filter((l) => !l.refund).reduce((n, l) => n + l.fen, 0)
  const refunded = lines.reduce((n, l) => n + (l.refund?.fen ?? 0), 0)
  const fees = lines.reduce((n, l) => n + (l.refund ? -(l.feeFen ?? 0) : (l.feeFen ?? 0)), 0)
  const summary = [String(lines.length), yuan(paid), yuan(refunded), '0.00', fee(fees), yuan(paid), yuan(refunded)]
  return `\uFEFF${WECHAT_HEADER}\r\n${rows.join('\r\n')}\r\n总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n${summary.map((c) => `\`${c}`).join(',')}\r\n`
}

async function sale(sku = 'BRK-001') {
  const order = await s.api('POST', '/api/orders', { lines: [{ sku, quantity: 1 }] })
  const payment = await s.api('POST', `/api/orders/${order.json.id}/payments`, { wallet: 'wechat', method: 'qr' })
  s.engine.simulator.confirm(pageTokenOf(payment.json.qrContent))
  await s.engine.idle()
  const attempt = s.engine.db
    .prepare('SELECT amount_fen, merchant_fee_fen FROM payment_attempts WHERE id = ?')
    .get(payment.json.id) as { amount_fen: number; merchant_fee_fen: number }
  return {
    orderId: order.json.id as string,
    id: payment.json.id as string,
    outTradeNo: payment.json.id as string,
    fen: attempt.amount_fen,
    feeFen: attempt.merchant_fee_fen,
  }
}

const importBill = (body: string, query = `wallet=wechat&date=${DATE}`, headers: Record<string, string> = {}) =>
  s.api('POST', `/api/reconciliation/bills?${query}`, body, { 'Content-Type': 'text/csv', ...headers })

function billFiles(): string[] {
  return readdirSync(join(s.dir, 'bills'))
}

describe('reconciliation over HTTP', () => {
  it('a bill that agrees matches every line; one that differs lists its discrepancies with words and actions', async () => {
    s = await testServer()
    const a = await sale()
    const b = await sale('DRK-001')
    const refund = await s.api('POST', `/api/orders/${b.orderId}/refunds`, {
      amountFen: 100,
      reason: 'price_adjustment',
    })
    expect(refund.json.status).toBe('succeeded')
    s.clock.set(NEXT_MORNING)

    const clean = await importBill(wechatBill([a, b, { ...b, refund: { outRefundNo: refund.json.id, fen: 100 } }]))
    expect(clean.status).toBe(201)
    expect(clean.json).toMatchObject({
      wallet: 'wechat',
      date: DATE,
      mode: 'simulator',
      status: 'matched',
      matchedCount: 3,
    })
    expect(clean.json.discrepancies).toEqual([])
    expect(clean.json.bill).toMatchObject({ trades: 2, refunds: 1, paidFen: a.fen + b.fen, refundedFen: 100 })

    const differing = await importBill(
      wechatBill([
        { ...a, fen: a.fen + 100 },
        { ...b, feeFen: b.feeFen + 1 },
      ]),
    )
    expect(differing.status).toBe(201)
    expect(differing.json.id).toBe(clean.json.id)
    expect(differing.json.status).toBe('discrepancies')
    const kinds = differing.json.discrepancies.map((d: { kind: string }) => d.kind).sort()
    expect(kinds).toEqual(['amount_mismatch', 'fee_mismatch', 'missing_at_wallet'])
    const amount = differing.json.discrepancies.find((d: { kind: string }) => d.kind === 'amount_mismatch')
    expect(amount).toMatchObject({ outTradeNo: a.id, orderId: a.orderId, oursFen: a.fen, theirsFen: a.fen + 100 })
    expect(amount.suggestedAction).toMatch(/微信支付/)
    expect(amount.actions).toEqual(['query', 'explain'])
    const english = await s.api('GET', `/api/reconciliation/${differing.json.id}?lang=en-US`)
    expect(english.json.discrepancies[0].suggestedAction).toMatch(/WeChat Pay/)
    const listed = await s.api('GET', `/api/reconciliation?date=${DATE}`)
    expect(listed.json.runs.map((r: { id: string }) => r.id)).toEqual([clean.json.id])
    expect(billFiles()).toEqual([])
  })

  it('explains with a note, keeps the explanation when the bill is imported again, and audits it', async () => {
    s = await testServer()
    const a = await sale()
    s.clock.set(NEXT_MORNING)
    const bill = wechatBill([{ ...a, feeFen: a.feeFen + 2 }])
    const run = (await importBill(bill)).json
    const [fee] = run.discrepancies
    expect(fee).toMatchObject({ kind: 'fee_mismatch', actions: ['explain'], status: 'open' })
    const path = `/api/reconciliation/discrepancies/${fee.id}/resolve`
    expect((await s.api('POST', path, { action: 'explain' })).json.error.code).toBe('VALIDATION_FAILED')
    expect((await s.api('POST', path, { action: 'query' })).json.error.code).toBe('INVALID_STATE')
    const explained = await s.api('POST', path, { action: 'explain', note: '签约费率 0.62%，已联系服务商' })
    expect(explained.status).toBe(200)
    expect(explained.json.status).toBe('matched')
    expect(explained.json.discrepancies[0]).toMatchObject({
      status: 'explained',
      note: '签约费率 0.62%，已联系服务商',
      actions: [],
    })
    expect(explained.json.discrepancies[0].resolvedBy).toEqual(expect.any(String))
    expect((await s.api('POST', path, { action: 'explain', note: 'again' })).json.error.code).toBe('INVALID_STATE')

    const again = await importBill(bill)
    expect(again.json.status).toBe('matched')
    expect(again.json.discrepancies[0]).toMatchObject({ kind: 'fee_mismatch', status: 'explained' })
    const audit = await s.api('GET', '/api/audit?limit=10')
    expect(audit.json.entries.map((e: { entity: string }) => e.entity)).toEqual(
      expect.arrayContaining(['discrepancy', 'reconciliation']),
    )
  })

  it('query records a payment the wallet took whose notification never came; refund returns money for nothing', async () => {
    s = await testServer()
    // The wallet's notification is forged in transit: the payment stays unpaid here, paid at the wallet.
    s.engine.simulator.setFaults([{ kind: 'wrong_signature', times: 1, delayMs: 0 }])
    const lost = await sale()
    s.engine.simulator.setFaults([{ kind: 'wrong_signature', times: 1, delayMs: 0 }])
    const spare = await sale()
    // The customer then pays in cash; closing the QR code fails, so nobody here learns the wallet took money too.
    s.engine.simulator.setFaults([{ kind: 'server_error', calls: ['close', 'query'], times: 20, delayMs: 0 }])
    const cash = await s.api('POST', `/api/orders/${spare.orderId}/payments`, {
      wallet: 'cash',
      tenderedFen: spare.fen,
    })
    expect(cash.status).toBe(201)
    await s.engine.idle()
    s.engine.simulator.setFaults([])
    expect((await s.api('GET', `/api/orders/${lost.orderId}`)).json.status).not.toBe('paid')
    expect((await s.api('GET', `/api/orders/${spare.orderId}`)).json.status).toBe('paid')
    s.clock.set(NEXT_MORNING)
    const run = (await importBill(wechatBill([lost, spare]))).json
    const byTrade = Object.fromEntries(run.discrepancies.map((d: { outTradeNo: string }) => [d.outTradeNo, d]))
    expect(byTrade[lost.id]).toMatchObject({ kind: 'missing_here', actions: ['query', 'explain'] })
    expect(byTrade[spare.id]).toMatchObject({ kind: 'missing_here', actions: ['refund', 'explain'] })

    const queried = await s.api('POST', `/api/reconciliation/discrepancies/${byTrade[lost.id].id}/resolve`, {
      action: 'query',
    })
    expect(queried.json.discrepancies.find((d: { id: string }) => d.id === byTrade[lost.id].id).status).toBe('resolved')
    expect((await s.api('GET', `/api/orders/${lost.orderId}`)).json.status).toBe('paid')

    const refunded = await s.api('POST', `/api/reconciliation/discrepancies/${byTrade[spare.id].id}/resolve`, {
      action: 'refund',
    })
    expect(refunded.json.status).toBe('matched')
    const refunds = await s.api('GET', `/api/refunds?orderId=${spare.orderId}`)
    expect(refunds.json.refunds).toHaveLength(1)
    expect(refunds.json.refunds[0]).toMatchObject({ paymentId: spare.id, amountFen: spare.fen })
    const books = await s.api('GET', '/api/books/verify')
    expect(books.json.ok).toBe(true)
  })

  it('refuses bad input with coded errors and keeps nothing', async () => {
    s = await testServer()
    await sale()
    s.clock.set(NEXT_MORNING)
    expect((await importBill('x', `wallet=jdpay&date=${DATE}`)).json.error.code).toBe('VALIDATION_FAILED')
    expect((await importBill('x', 'wallet=wechat&date=2026-13-01')).json.error.code).toBe('VALIDATION_FAILED')
    const today = await importBill(wechatBill([]), 'wallet=wechat&date=2026-11-22')
    expect(today.status).toBe(409)
    expect(today.json.error).toMatchObject({ code: 'BILL_NOT_AVAILABLE', details: { reason: 'too_early' } })
    const garbage = await importBill('not,a,bill\r\n1,2,3\r\n')
    expect(garbage.status).toBe(422)
    expect(garbage.json.error.code).toBe('BILL_INVALID')
    expect((await s.api('GET', `/api/reconciliation?date=${DATE}`)).json.runs).toEqual([])
    expect((await s.api('GET', '/api/reconciliation/rec_nope')).json.error.code).toBe('RECONCILIATION_NOT_FOUND')
    const unknown = await s.api('POST', '/api/reconciliation/discrepancies/dsc_nope/resolve', {
      action: 'explain',
      note: 'x',
    })
    expect(unknown.json.error.code).toBe('DISCREPANCY_NOT_FOUND')
    const cashier = await s.signIn('cashier')
    const refused = await importBill(wechatBill([]), `wallet=wechat&date=${DATE}`, { 'X-Hutong-Session': cashier })
    expect(refused.status).toBe(403)
    expect(billFiles()).toEqual([])
  })

  it('takes the bill in base64 inside JSON as the desktop console sends it', async () => {
    s = await testServer()
    const a = await sale()
    s.clock.set(NEXT_MORNING)
    const fileBase64 = Buffer.from(wechatBill([a])).toString('base64')
    const run = await s.api('POST', '/api/reconciliation/bills', { wallet: 'wechat', date: DATE, fileBase64 })
    expect(run.status).toBe(201)
    expect(run.json).toMatchObject({ status: 'matched', matchedCount: 1 })
    const both = await s.api('POST', `/api/reconciliation/bills`, { wallet: 'wechat', date: DATE })
    expect(both.json.error.code).toBe('VALIDATION_FAILED')
  })
})
