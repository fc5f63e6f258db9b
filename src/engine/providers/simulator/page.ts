import { present } from '../../../shared/assert'
import { EngineError } from '../../../shared/errors'
import {
  getTrade,
  keep,
  newTransactionId,
  runTradeWrite,
  tradeByToken,
  writeTrade,
  type SimulatorContext,
} from './context'
import { notify } from './notifications'
import type { ConfirmResult, SimulatorOutcome, SimulatorPageView, TradeRow } from './types'

/** What the simulator's wallet page shows for a QR code's token, or null for an unknown token. */
export function pageView(ctx: SimulatorContext, pageToken: string): SimulatorPageView | null {
  const row = tradeByToken(ctx, pageToken)
  if (!row) return null
  return {
    outTradeNo: row.out_trade_no,
    wallet: row.wallet,
    amountFen: row.amount_fen,
    description: row.description,
    state: row.state,
    expiresAt: row.expires_at,
    expired: ctx.clock.now() >= row.expires_at,
  }
}

/** The customer presses "confirm" on the wallet page: the trade's outcome decides what happens. */
export function confirm(ctx: SimulatorContext, pageToken: string): ConfirmResult {
  const row = tradeByToken(ctx, pageToken)
  if (!row) throw new EngineError('NOT_FOUND', 'no such trade')
  if (row.state === 'SUCCESS') return 'already_paid'
  if (row.state === 'CLOSED' || row.kind !== 'qr') return 'closed'
  if (ctx.clock.now() >= row.expires_at) return 'expired'
  return row.outcome === 'decline' ? decline(ctx, row) : pay(ctx, row)
}

function decline(ctx: SimulatorContext, row: TradeRow): ConfirmResult {
  writeTrade(
    ctx,
    "UPDATE sim_trades SET state = 'PAYERROR' WHERE out_trade_no = ? AND state = 'NOTPAY'",
    row.out_trade_no,
  )
  notify(ctx, present(getTrade(ctx, row.out_trade_no), 'the declined trade'))
  return 'declined'
}

function pay(ctx: SimulatorContext, row: TradeRow): ConfirmResult {
  const now = ctx.clock.now()
  const transactionId = newTransactionId(row.wallet)
  const written = runTradeWrite(
    ctx,
    "UPDATE sim_trades SET state = 'SUCCESS', paid_at = ?, transaction_id = ? WHERE out_trade_no = ? AND state = 'NOTPAY'",
    now,
    transactionId,
    row.out_trade_no,
  )
  if (!written) return 'already_paid'
  // The trade as the UPDATE left it: `row` was read right before, in the same turn.
  const paid: TradeRow = { ...row }
  paid.state = 'SUCCESS'
  paid.paid_at = now
  paid.transaction_id = transactionId
  keep(ctx, paid)
  if (row.outcome === 'succeed') notify(ctx, paid)
  return 'paid'
}

export function setOutcome(ctx: SimulatorContext, outTradeNo: string, outcome: SimulatorOutcome): void {
  const changed = writeTrade(ctx, 'UPDATE sim_trades SET outcome = ? WHERE out_trade_no = ?', outcome, outTradeNo)
  if (!changed) throw new EngineError('PAYMENT_NOT_FOUND', `no simulator trade ${outTradeNo}`)
}
