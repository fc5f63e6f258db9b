import { afterEach, describe, expect, it } from 'vitest'
import type { Order } from '../../src/shared/api/types'
import type { BillEntry, BillLine } from '../../src/engine/reconciliation/bills/types'
import { matchBill } from '../../src/engine/reconciliation/match'
import { billWindow, ourPayments, ourRefunds } from '../../src/engine/reconciliation/ours'
import { customerPays } from '../support/simulator'
import { START, testEngine } from '../support/engine'

let t: ReturnType<typeof testEngine>
afterEach(async () => t?.dispose())

/** START is 10:00 on 2026-11-21 in Beijing: the sales below are on that day's bill. */
const DATE = '2026-11-21'

async function paid(wallet: 'wechat' | 'alipay' | 'huabei' = 'wechat', sku = 'BRK-001') {
  const order = (await t.engine.invoke('orders.create', { lines: [{ sku, quantity: 1 }] })) as Order
  const payment = await t.engine.invoke('payments.create', { id: order.id, wallet, method: 'qr', qrSvg: false })
  expect(await customerPays(t.engine, payment.qrContent)).toBe('paid')
  return { order, payment }
}

/** The line the wallet's bill has for one of our payments when it agrees with us. */
function agreeingLine(attemptId: string): BillLine {
  const row = t.engine.db
    .prepare('SELECT amount_fen, merchant_fee_fen, succeeded_at FROM payment_attempts WHERE id = ?')
    .get(attemptId) as { amount_fen: number; merchant_fee_fen: number | null; succeeded_at: number }
  return {
    type: 'line',
    kind: 'payment',
    outTradeNo: attemptId,
    providerTradeNo: `42000${attemptId.slice(-8)}`,
    outRefundNo: null,
    merchantId: 'SIM-WX-0001',
    amountFen: row.amount_fen,
    feeFen: row.merchant_fee_fen ?? 0,
    state: 'SUCCESS',
    at: row.succeeded_at,
    lineNumber: 0,
  }
}

/** The lines as a reader gives them: in batches (here two lines each), with their line numbers. */
async function* entries(lines: BillLine[]): AsyncGenerator<BillEntry[]> {
  const numbered = lines.map((line, i): BillEntry => ({ ...line, lineNumber: i + 2 }))
  for (let i = 0; i < numbered.length; i += 2) yield numbered.slice(i, i + 2)
}

function match(lines: BillLine[], wallet: 'wechat' | 'alipay' = 'wechat') {
  const scope = { wallet, mode: 'simulator', ...billWindow(DATE) }
  const books = { db: t.engine.db, payments: ourPayments(t.engine.db, scope), refunds: ourRefunds(t.engine.db, scope) }
  return matchBill(books, entries(lines))
}

describe('matching a bill against the books of its day', () => {
  it('finds each kind of discrepancy in a seeded sequence of deliberate differences', async () => {
    t = testEngine()
    const same = await paid()
    const amount = await paid()
    const dropped = await paid()
    const fee = await paid()
    const account = await paid()
    const refunded = await paid('wechat', 'DRK-001')
    const refund = await t.engine.invoke('refunds.create', {
      id: refunded.order.id,
      amountFen: 100,
      reason: 'price_adjustment',
    })
    expect(refund.status).toBe('succeeded')
    // Paid at the wallet but unpaid here: the notification never came and no sweep has asked yet.
    const order = (await t.engine.invoke('orders.create', { lines: [{ sku: 'BRK-001', quantity: 1 }] })) as Order
    const unpaid = await t.engine.invoke('payments.create', {
      id: order.id,
      wallet: 'wechat',
      method: 'qr',
      qrSvg: false,
    })

    const lines: BillLine[] = [
      agreeingLine(same.payment.id),
      { ...agreeingLine(amount.payment.id), amountFen: agreeingLine(amount.payment.id).amountFen + 1 },
      { ...agreeingLine(fee.payment.id), feeFen: agreeingLine(fee.payment.id).feeFen + 3 },
      { ...agreeingLine(account.payment.id), merchantId: 'SIM-WX-9999' },
      agreeingLine(refunded.payment.id),
      {
        ...agreeingLine(refunded.payment.id),
        kind: 'refund',
        outRefundNo: refund.id,
        amountFen: 100,
        feeFen: 0,
        state: 'REFUND',
      },
      // Refunded at the wallet (from the merchant platform), never here.
      {
        ...agreeingLine(same.payment.id),
        kind: 'refund',
        outRefundNo: 'REFUND-BY-HAND-1',
        amountFen: 50,
        feeFen: 0,
        state: 'REFUND',
      },
      { ...agreeingLine(same.payment.id), outTradeNo: unpaid.id, amountFen: 1200, feeFen: 0 },
      { ...agreeingLine(same.payment.id), outTradeNo: 'OTHER-SYSTEM-0001', amountFen: 999, feeFen: 0 },
    ]
    const result = await match(lines)

    expect(result.matchedCount).toBe(3)
    const byKind = Object.fromEntries(result.findings.map((f) => [`${f.kind}:${f.outTradeNo}`, f]))
    expect(byKind[`amount_mismatch:${amount.payment.id}`]).toMatchObject({
      oursFen: amount.payment.amountFen,
      theirsFen: amount.payment.amountFen + 1,
      orderId: amount.order.id,
    })
    expect(byKind[`missing_at_wallet:${dropped.payment.id}`]).toMatchObject({ oursFen: dropped.payment.amountFen })
    const ourFee = agreeingLine(fee.payment.id).feeFen
    expect(byKind[`fee_mismatch:${fee.payment.id}`]).toMatchObject({ oursFen: ourFee, theirsFen: ourFee + 3 })
    expect(byKind[`other_account:${account.payment.id}`]?.facts).toMatchObject({
      ourMerchantId: 'SIM-WX-0001',
      theirMerchantId: 'SIM-WX-9999',
    })
    expect(byKind[`status_mismatch:${same.payment.id}`]).toMatchObject({
      outRefundNo: 'REFUND-BY-HAND-1',
      theirsFen: 50,
      oursFen: null,
    })
    expect(byKind[`missing_here:${unpaid.id}`]).toMatchObject({ orderId: order.id, theirsFen: 1200 })
    expect(byKind[`missing_here:${unpaid.id}`]?.facts).toMatchObject({ known: true, spare: false })
    expect(byKind['missing_here:OTHER-SYSTEM-0001']?.facts).toMatchObject({ known: false })
    expect(result.findings).toHaveLength(7)
    expect(result.bill).toMatchObject({ trades: 7, refunds: 2, refundedFen: 150 })
  })

  it('a refund missing at the wallet, and one refunded there while still under way here', async () => {
    t = testEngine()
    const a = await paid()
    const b = await paid()
    const kept = await t.engine.invoke('refunds.create', { id: a.order.id, amountFen: 100, reason: 'price_adjustment' })
    t.engine.simulator.setFaults([{ kind: 'refund_processing', times: 5, delayMs: 0 }])
    const pending = await t.engine.invoke('refunds.create', {
      id: b.order.id,
      amountFen: 120,
      reason: 'price_adjustment',
    })
    expect(pending.status).not.toBe('succeeded')
    const result = await match([
      agreeingLine(a.payment.id),
      agreeingLine(b.payment.id),
      { ...agreeingLine(b.payment.id), kind: 'refund', outRefundNo: pending.id, amountFen: 120, feeFen: 0 },
    ])
    expect(result.findings.map((f) => [f.kind, f.subject, f.outRefundNo])).toEqual([
      ['status_mismatch', 'refund', pending.id],
      ['missing_at_wallet', 'refund', kept.id],
    ])
    expect(result.findings[0]?.facts).toMatchObject({ refundStatus: expect.stringMatching(/pending|processing/) })
  })

  it('a payment booked here on the neighbouring day is not missing; money for a cancelled order is spare', async () => {
    t = testEngine()
    const late = await paid()
    // The bill of the next day: our payment succeeded just before midnight, the wallet booked it after.
    const scope = { wallet: 'wechat' as const, mode: 'simulator', ...billWindow('2026-11-22') }
    const books = {
      db: t.engine.db,
      payments: ourPayments(t.engine.db, scope),
      refunds: ourRefunds(t.engine.db, scope),
    }
    const order = (await t.engine.invoke('orders.create', { lines: [{ sku: 'BRK-001', quantity: 1 }] })) as Order
    const code = await t.engine.invoke('payments.create', {
      id: order.id,
      wallet: 'wechat',
      method: 'qr',
      qrSvg: false,
    })
    await t.engine.invoke('orders.cancel', { id: order.id })
    const result = await matchBill(
      books,
      entries([agreeingLine(late.payment.id), { ...agreeingLine(late.payment.id), outTradeNo: code.id }]),
    )
    expect(result.matchedCount).toBe(1)
    expect(result.findings).toHaveLength(1)
    expect(result.findings[0]).toMatchObject({ kind: 'missing_here', outTradeNo: code.id })
    expect(result.findings[0]?.facts).toMatchObject({ known: true, spare: true, orderStatus: 'cancelled' })
    expect(START).toBeLessThan(billWindow('2026-11-22').start)
  })
})
