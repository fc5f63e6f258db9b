import type { Database } from 'better-sqlite3'
import { EngineError } from '../../../shared/errors'
import type { WalletId } from '../../../shared/wallets'
import type { Clock } from '../../clock'
import { createCommitGroups, type CommitGroups } from '../../db/commitGroups'
import { keptPerDatabase } from '../../db/kept'
import { prepared, rowReader, type RowReader } from '../../db/prepared'
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
  select: RowReader
  selectByToken: RowReader
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

/**
 * Trades as last written or read, by out_trade_no, and page tokens to them: the page, the notification and the
 * engine's check read a trade several times a checkout. Every write keeps the row as written (`writeTrade`,
 * `runTradeWrite` with `keep`); all is dropped when a write of the books is undone.
 */
const TRADES_KEPT = 4096
const keptTrades = keptPerDatabase<TradeRow>(TRADES_KEPT)
const keptTokens = keptPerDatabase<string>(TRADES_KEPT)

export function createSimulatorContext(options: SimulatorOptions): SimulatorContext {
  const { db, clock } = options
  const forgetAll = () => {
    keptTrades.forgetAll(db)
    keptTokens.forgetAll(db)
  }
  return {
    db,
    clock,
    options,
    books: createCommitGroups(db, { onRollback: forgetAll }),
    select: rowReader(db, 'SELECT * FROM sim_trades WHERE out_trade_no = ?'),
    selectByToken: rowReader(db, 'SELECT * FROM sim_trades WHERE page_token = ?'),
    inFlight: new Set(),
    accountsDown: new Set(),
    loseRefundAnswer: false,
    faults: { pending: [] },
    heldNotification: null,
  }
}

export function keep(ctx: SimulatorContext, row: TradeRow): TradeRow {
  keptTokens.keep(ctx.db, row.page_token, row.out_trade_no)
  return keptTrades.keep(ctx.db, row.out_trade_no, row)
}

/**
 * Writes one trade (an INSERT or UPDATE of sim_trades, without RETURNING) in the wallet's books and keeps the row
 * as written; null when the statement changed nothing (a compare-and-set that lost).
 */
export function writeTrade(ctx: SimulatorContext, sql: string, ...params: unknown[]): TradeRow | null {
  const row = ctx.books.runStatement(() => rowReader(ctx.db, `${sql} RETURNING *`)(...params) as TradeRow | undefined)
  return row ? keep(ctx, row) : null
}

/**
 * Runs one write of a trade (an INSERT or UPDATE of sim_trades) in the wallet's books without reading the row back
 * (RETURNING * cost a third of the statement); true when it changed a row. The caller keeps the row as written.
 */
export function runTradeWrite(ctx: SimulatorContext, sql: string, ...params: unknown[]): boolean {
  return ctx.books.runStatement(() => prepared(ctx.db, sql).run(...params).changes === 1)
}

function readTrade(ctx: SimulatorContext, outTradeNo: string): TradeRow | null {
  const kept = keptTrades.get(ctx.db, outTradeNo)
  if (kept) return kept
  const row = ctx.select(outTradeNo) as TradeRow | undefined
  return row ? keep(ctx, row) : null
}

/** The trade as the books hold it, not as kept (after a compare-and-set that lost). */
function freshTrade(ctx: SimulatorContext, outTradeNo: string): TradeRow | null {
  keptTrades.forget(ctx.db, outTradeNo)
  return readTrade(ctx, outTradeNo)
}

/** The trade as the wallet sees it now: a customer who was entering their password may have finished. */
export function getTrade(ctx: SimulatorContext, outTradeNo: string): TradeRow | null {
  const row = readTrade(ctx, outTradeNo)
  if (row?.state === 'USERPAYING' && row.confirm_at !== null && row.confirm_at <= ctx.clock.now()) {
    return (
      writeTrade(
        ctx,
        "UPDATE sim_trades SET state = 'SUCCESS', paid_at = confirm_at, transaction_id = ? WHERE out_trade_no = ? AND state = 'USERPAYING'",
        newTransactionId(row.wallet),
        outTradeNo,
      ) ?? freshTrade(ctx, outTradeNo)
    )
  }
  return row
}

export function tradeByToken(ctx: SimulatorContext, pageToken: string): TradeRow | null {
  const outTradeNo = keptTokens.get(ctx.db, pageToken)
  if (outTradeNo) return readTrade(ctx, outTradeNo)
  const row = ctx.selectByToken(pageToken) as TradeRow | undefined
  return row ? keep(ctx, row) : null
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
