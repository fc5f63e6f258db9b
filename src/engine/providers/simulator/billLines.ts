import type { ReconciliationWallet } from '../../../shared/api/reconciliationSchemas'
import type { WalletId } from '../../../shared/wallets'
import { prepared } from '../../db/prepared'
import { beijingDate, beijingDayStart } from '../../reconciliation/bills/amounts'
import type { BillRecord } from '../../reconciliation/bills'
import type { SimulatorBillDifference } from './billDifferences'
import type { SimulatorContext } from './context'
import type { TradeRow } from './types'

/** When the lines a difference adds are booked: midday of the bill's day. */
const MIDDAY_MS = 12 * 3600_000

/** The trades each bill covers: Alipay's holds its Huabei (花呗) trades too. */
export const BILL_WALLETS: Record<ReconciliationWallet, readonly WalletId[]> = {
  wechat: ['wechat'],
  alipay: ['alipay', 'huabei'],
}

export interface Bill {
  wallet: ReconciliationWallet
  date: string
  /** The account a line added without one settles to (the wallet's latest). */
  account: string
}

/** The day's lines as the planned differences change them, in the order they were booked. */
export function applyBillDifferences(
  ctx: SimulatorContext,
  records: BillRecord[],
  differences: readonly SimulatorBillDifference[],
  bill: Bill,
): BillRecord[] {
  let lines = records
  for (const difference of differences) {
    // The lines these two add carry their own day; the others change a day's lines only on their day.
    const ownDay = difference.kind === 'add_trade' || difference.kind === 'refund_at_wallet'
    if (!ownDay && difference.date && difference.date !== bill.date) continue
    lines = applyOne(ctx, lines, difference, bill)
  }
  return [...lines].sort((a, b) => a.at - b.at || (a.outTradeNo < b.outTradeNo ? -1 : 1))
}

function applyOne(
  ctx: SimulatorContext,
  lines: BillRecord[],
  difference: SimulatorBillDifference,
  bill: Bill,
): BillRecord[] {
  switch (difference.kind) {
    case 'drop_trade':
      return lines.filter((line) => !names(difference, line))
    case 'change_amount':
      return lines.map((line) => (names(difference, line) ? { ...line, amountFen: difference.amountFen } : line))
    case 'change_fee':
      return lines.map((line) => (names(difference, line) ? { ...line, feeFen: difference.feeFen } : line))
    case 'other_account':
      return lines.map((line) =>
        line.outTradeNo === difference.outTradeNo ? { ...line, merchantId: difference.merchantId } : line,
      )
    case 'refund_at_wallet':
      return [...lines, ...walletRefund(ctx, difference, bill)]
    case 'add_trade':
      return [...lines, ...addedTrade(difference, bill)]
  }
}

/** The line a difference names: the trade's payment, or one of its refunds when it gives outRefundNo. */
function names(difference: { outTradeNo: string; outRefundNo?: string }, line: BillRecord): boolean {
  if (line.outTradeNo !== difference.outTradeNo) return false
  return difference.outRefundNo === undefined
    ? line.kind === 'payment'
    : line.kind === 'refund' && line.outRefundNo === difference.outRefundNo
}

function walletRefund(
  ctx: SimulatorContext,
  difference: Extract<SimulatorBillDifference, { kind: 'refund_at_wallet' }>,
  bill: Bill,
): BillRecord[] {
  const trade = prepared(ctx.db, 'SELECT * FROM sim_trades WHERE out_trade_no = ?').get(difference.outTradeNo) as
    TradeRow | undefined
  if (!trade?.paid_at || !BILL_WALLETS[bill.wallet].includes(trade.wallet)) return []
  const date = difference.date ?? beijingDate(trade.paid_at)
  if (date !== bill.date) return []
  return [
    {
      kind: 'refund',
      outTradeNo: trade.out_trade_no,
      providerTradeNo: trade.transaction_id ?? '',
      outRefundNo: difference.outRefundNo ?? null,
      providerRefundNo: `simr_${trade.out_trade_no}`,
      merchantId: trade.merchant_id ?? '',
      amountFen: difference.amountFen ?? trade.amount_fen,
      orderAmountFen: trade.amount_fen,
      feeFen: 0,
      at: Math.max(trade.paid_at, beijingDayStart(date) + MIDDAY_MS),
      description: trade.description,
    },
  ]
}

function addedTrade(difference: Extract<SimulatorBillDifference, { kind: 'add_trade' }>, bill: Bill): BillRecord[] {
  if (difference.wallet !== bill.wallet || difference.date !== bill.date) return []
  return [
    {
      kind: 'payment',
      outTradeNo: difference.outTradeNo ?? '',
      providerTradeNo: difference.providerTradeNo ?? '',
      merchantId: difference.merchantId ?? bill.account,
      amountFen: difference.amountFen,
      feeFen: difference.feeFen ?? 0,
      at: beijingDayStart(difference.date) + MIDDAY_MS,
      description: difference.description ?? 'Unknown trade',
    },
  ]
}
