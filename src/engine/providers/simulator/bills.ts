import { createWriteStream } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReconciliationWallet } from '../../../shared/api/reconciliationSchemas'
import { EngineError } from '../../../shared/errors'
import { prepared } from '../../db/prepared'
import { beijingDate, beijingDayStart } from '../../reconciliation/bills/amounts'
import { writeAlipayBill, writeWechatBill, type BillRecord } from '../../reconciliation/bills'
import type { BillRequest, DownloadedBill } from '../types'
import { applyBillDifferences, BILL_WALLETS } from './billLines'
import { billDifferences } from './billDifferences'
import type { SimulatorContext } from './context'

const DAY_MS = 24 * 3600_000

/**
 * The simulated wallet's trade bill of a Beijing calendar day, from its own books: the trades paid that day and
 * the refunds made that day, with the differences planned for its bills. Like the real wallets it has no bill of
 * a day not yet over. A simulated day holds a shop's trades, not a bank's: they are gathered in memory, and the
 * file is written as a stream.
 */
export async function downloadBill(ctx: SimulatorContext, request: BillRequest): Promise<DownloadedBill> {
  const { wallet, date, dir } = request
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || beijingDate(beijingDayStart(date)) !== date) {
    throw new EngineError('VALIDATION_FAILED', `not a calendar day: ${date}`)
  }
  if (date >= beijingDate(ctx.clock.now())) {
    throw new EngineError('BILL_NOT_AVAILABLE', `the bill of ${date} is issued once the day is over`, {
      reason: 'too_early',
    })
  }
  const account = lastAccount(ctx, wallet)
  const records = applyBillDifferences(ctx, dayRecords(ctx, wallet, date), billDifferences(ctx), {
    wallet,
    date,
    account,
  })
  if (wallet === 'wechat') {
    const path = join(dir, `wechat-${date}.csv`)
    await pipeline(Readable.from(writeWechatBill(records)), createWriteStream(path, { mode: 0o600 }))
    return { format: 'wechat-csv', path }
  }
  const path = join(dir, `alipay-${date}.zip`)
  await writeAlipayBill(byAccount(records, account), { date }, path)
  return { format: 'alipay-zip', path }
}

interface PaidRow {
  out_trade_no: string
  transaction_id: string
  merchant_id: string | null
  amount_fen: number
  fee_fen: number
  paid_at: number
  description: string
}

interface RefundRow extends PaidRow {
  out_refund_no: string
  refund_id: string
  refund_fen: number
  created_at: number
}

function dayRecords(ctx: SimulatorContext, wallet: ReconciliationWallet, date: string): BillRecord[] {
  const start = beijingDayStart(date)
  const wallets = BILL_WALLETS[wallet]
  const inWallets = `t.wallet IN (${wallets.map(() => '?').join(', ')})`
  const paid = prepared(
    ctx.db,
    `SELECT t.* FROM sim_trades t WHERE ${inWallets} AND t.state = 'SUCCESS' AND t.paid_at >= ? AND t.paid_at < ?`,
  ).all(...wallets, start, start + DAY_MS) as PaidRow[]
  const refunds = prepared(
    ctx.db,
    `SELECT t.*, r.out_refund_no, r.refund_id, r.amount_fen AS refund_fen, r.created_at
       FROM sim_refunds r JOIN sim_trades t ON t.out_trade_no = r.out_trade_no
      WHERE ${inWallets} AND r.created_at >= ? AND r.created_at < ?`,
  ).all(...wallets, start, start + DAY_MS) as RefundRow[]
  return [...paid.map(paidRecord), ...refunds.map(refundRecord)]
}

function paidRecord(row: PaidRow): BillRecord {
  return {
    kind: 'payment',
    outTradeNo: row.out_trade_no,
    providerTradeNo: row.transaction_id,
    merchantId: row.merchant_id ?? '',
    amountFen: row.amount_fen,
    feeFen: row.fee_fen,
    at: row.paid_at,
    description: row.description,
  }
}

/**
 * The checkout's books keep a payment's fee when it is refunded (no fee is posted back), so the simulated wallet
 * returns none: its refund lines carry a fee of zero, and a demo store reconciles clean.
 */
function refundRecord(row: RefundRow): BillRecord {
  return {
    ...paidRecord(row),
    kind: 'refund',
    outRefundNo: row.out_refund_no,
    providerRefundNo: row.refund_id,
    amountFen: row.refund_fen,
    orderAmountFen: row.amount_fen,
    feeFen: 0,
    at: row.created_at,
  }
}

/** The account of the wallet's latest trade: whose (empty) bill a day without trades is. */
function lastAccount(ctx: SimulatorContext, wallet: ReconciliationWallet): string {
  const wallets = BILL_WALLETS[wallet]
  const row = prepared(
    ctx.db,
    `SELECT merchant_id FROM sim_trades WHERE wallet IN (${wallets.map(() => '?').join(', ')})
       AND merchant_id IS NOT NULL ORDER BY created_at DESC LIMIT 1`,
  ).get(...wallets) as { merchant_id: string } | undefined
  return row?.merchant_id ?? ''
}

/** Alipay issues a bill per account: the day's lines, by the account they settled to. */
function byAccount(records: readonly BillRecord[], fallback: string): { pid: string; records: BillRecord[] }[] {
  const accounts = new Map<string, BillRecord[]>()
  for (const record of records) {
    const list = accounts.get(record.merchantId) ?? []
    list.push(record)
    accounts.set(record.merchantId, list)
  }
  if (!accounts.size) accounts.set(fallback, [])
  return [...accounts].map(([pid, list]) => ({ pid, records: list }))
}
