import type { Database, Statement } from 'better-sqlite3'
import { EngineError } from '../../../shared/errors'
import type { WalletId } from '../../../shared/wallets'
import type { Clock } from '../../clock'
import { createCommitGroups, type CommitGroups } from '../../db/commitGroups'
import { prepared } from '../../db/prepared'
import { newSecretToken } from '../../ids'
import type { ProviderTrade } from '../types'
import type { FaultPlan } from './faults'
import type { SimulatorOptions, TradeRow } from './types'

/** What every part of the simulated wallet works with: its books and the little state tests can set. */
export interface SimulatorContext {
  db: Database
  clock: Clock
  options: SimulatorOptions
  /**
   * The wallet's books are written in groups too: it stands in for a remote wallet and must not cost the
   * checkout a commit of its own per call.
   */
  books: CommitGroups
  select: Statement
  selectByToken: Statement
  /** Notification deliveries under way. */
  inFlight: Set<Promise<void>>
  /** Merchant accounts whose channel is down (setAccountOutage). */
  accountsDown: Set<string>
  /** The next refund is made but its answer is lost (loseNextRefundAnswer). */
  loseRefundAnswer: boolean
  /** Faults planned through setFaults (see faults.ts). */
  faults: FaultPlan
  /** A notification held back by an out-of-order fault, delivered after the next one. */
  heldNotification: (() => void) | null
}

export function createSimulatorContext(options: SimulatorOptions): SimulatorContext {
  const { db, clock } = options
  return {
    db,
    clock,
    options,
    books: createCommitGroups(db),
    select: prepared(db, 'SELECT * FROM sim_trades WHERE out_trade_no = ?'),
    selectByToken: prepared(db, 'SELECT * FROM sim_trades WHERE page_token = ?'),
    inFlight: new Set(),
    accountsDown: new Set(),
    loseRefundAnswer: false,
    faults: { pending: [] },
    heldNotification: null,
  }
}

/** The trade as the wallet sees it now: a customer who was entering their password may have finished. */
export function getTrade(ctx: SimulatorContext, outTradeNo: string): TradeRow | null {
  const row = (ctx.select.get(outTradeNo) as TradeRow | undefined) ?? null
  if (row?.state === 'USERPAYING' && row.confirm_at !== null && row.confirm_at <= ctx.clock.now()) {
    ctx.books.run(() =>
      prepared(
        ctx.db,
        "UPDATE sim_trades SET state = 'SUCCESS', paid_at = confirm_at, transaction_id = ? WHERE out_trade_no = ? AND state = 'USERPAYING'",
      ).run(newTransactionId(row.wallet), outTradeNo),
    )
    return (ctx.select.get(outTradeNo) as TradeRow | undefined) ?? null
  }
  return row
}

export function tradeByToken(ctx: SimulatorContext, pageToken: string): TradeRow | null {
  return (ctx.selectByToken.get(pageToken) as TradeRow | undefined) ?? null
}

export function toTrade(row: TradeRow | null, outTradeNo: string): ProviderTrade {
  if (!row) return { outTradeNo, state: 'NOT_FOUND', amountFen: null, providerTradeNo: null, paidAt: null }
  return {
    outTradeNo: row.out_trade_no,
    state: row.state,
    amountFen: row.amount_fen,
    providerTradeNo: row.transaction_id,
    paidAt: row.paid_at,
  }
}

export function assertChannelUp(ctx: SimulatorContext, merchantId: string | null): void {
  if (merchantId !== null && ctx.accountsDown.has(merchantId)) {
    throw new EngineError('PROVIDER_ERROR', `the wallet's channel for ${merchantId} is down`)
  }
}

export function newTransactionId(wallet: WalletId): string {
  return `sim${wallet}${newSecretToken(9)}`
}

/**
 * A write the database accepts now and refuses at commit (a refund of no trade, its foreign key checked only at
 * the end): the open group of the wallet's books is lost, as when its disk fails.
 */
export function failNextCommit(ctx: SimulatorContext): void {
  ctx.books.run(() => {
    ctx.db.pragma('defer_foreign_keys = ON')
    prepared(
      ctx.db,
      "INSERT INTO sim_refunds (out_refund_no, out_trade_no, amount_fen, refund_id, created_at) VALUES (?, 'no such trade', 1, 'lost', 0)",
    ).run(`lost_${newSecretToken(9)}`)
  })
}

/** Waits until the wallet's books hold what was written since `mark`; a lost write is the wallet's failure. */
export async function writtenToBooks(ctx: SimulatorContext, mark: number): Promise<void> {
  try {
    await ctx.books.durable(mark)
  } catch {
    throw new EngineError('PROVIDER_ERROR', 'the wallet could not record the trade')
  }
}
