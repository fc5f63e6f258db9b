import { present } from '../../../shared/assert'
import { EngineError } from '../../../shared/errors'
import { newSecretToken } from '../../ids'
import type { CodePayRequest, CreateQrRequest, ProviderTrade } from '../types'
import {
  assertChannelUp,
  getTrade,
  keep,
  runTradeWrite,
  newTransactionId,
  toTrade,
  writeTrade,
  writtenToBooks,
  type SimulatorContext,
} from './context'
import { takeFault } from './faults'
import { PASSWORD_DELAY_MS, SIMULATOR_CODE_SUFFIXES, type TradeRow } from './types'

/** A payment-code trade is kept a day, like a wallet keeps an unfinished one. */
const CODE_TRADE_TTL_MS = 24 * 3600_000

/** A QR code: a page on the console's server where the "customer" confirms; idempotent by out_trade_no. */
export async function createQr(ctx: SimulatorContext, request: CreateQrRequest): Promise<{ qrContent: string }> {
  assertChannelUp(ctx, request.merchantId)
  const mark = ctx.books.mark()
  const made = insertQrTrade(ctx, request)
  // A retry finds the trade made the first time: the same code, as long as it is for the same amount.
  const trade = made ?? present(getTrade(ctx, request.outTradeNo), 'the trade already made')
  if (trade.amount_fen !== request.amountFen) {
    throw new EngineError('IDEMPOTENCY_CONFLICT', 'out_trade_no reused with a different amount')
  }
  // Like a real wallet, it hands out a code only once its own books hold the trade.
  await writtenToBooks(ctx, mark)
  return { qrContent: `${ctx.options.publicBaseUrl()}/sim/pay/${trade.page_token}` }
}

/** Writes a new QR trade and keeps it as written; null when the trade was already made. */
function insertQrTrade(ctx: SimulatorContext, request: CreateQrRequest): TradeRow | null {
  const row: TradeRow = {
    out_trade_no: request.outTradeNo,
    wallet: request.wallet,
    amount_fen: request.amountFen,
    description: request.description,
    page_token: newSecretToken(),
    state: 'NOTPAY',
    kind: 'qr',
    confirm_at: null,
    transaction_id: null,
    outcome: ctx.options.defaultOutcome ?? 'succeed',
    expires_at: request.expiresAt,
    created_at: ctx.clock.now(),
    paid_at: null,
    closed_at: null,
    merchant_id: request.merchantId,
    fee_fen: merchantFee(ctx, request.outTradeNo),
  }
  const written = runTradeWrite(
    ctx,
    `INSERT INTO sim_trades (out_trade_no, wallet, amount_fen, description, page_token, state, kind, outcome,
         expires_at, created_at, merchant_id, fee_fen)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (out_trade_no) DO NOTHING`,
    row.out_trade_no,
    row.wallet,
    row.amount_fen,
    row.description,
    row.page_token,
    row.state,
    row.kind,
    row.outcome,
    row.expires_at,
    row.created_at,
    row.merchant_id,
    row.fee_fen,
  )
  return written ? keep(ctx, row) : null
}

/** A payment code, answered by its test suffix (see SIMULATOR_CODE_SUFFIXES); a retry returns the trade. */
export async function payWithCode(ctx: SimulatorContext, request: CodePayRequest): Promise<ProviderTrade> {
  assertChannelUp(ctx, request.merchantId)
  const existing = getTrade(ctx, request.outTradeNo)
  if (existing) return toTrade(existing, request.outTradeNo)
  insertCodeTrade(ctx, request)
  // Like a real wallet, it answers about money once its own books hold it.
  await ctx.books.durable()
  return toTrade(getTrade(ctx, request.outTradeNo), request.outTradeNo)
}

function insertCodeTrade(ctx: SimulatorContext, request: CodePayRequest): void {
  const suffix = request.authCode.slice(-4)
  const now = ctx.clock.now()
  const state = codeOutcome(suffix)
  writeTrade(
    ctx,
    `INSERT INTO sim_trades (out_trade_no, wallet, amount_fen, description, page_token, state, kind, confirm_at,
         transaction_id, paid_at, expires_at, created_at, merchant_id, fee_fen)
       VALUES (?, ?, ?, ?, ?, ?, 'code', ?, ?, ?, ?, ?, ?, ?)`,
    request.outTradeNo,
    request.wallet,
    request.amountFen,
    request.description,
    newSecretToken(),
    state,
    suffix === SIMULATOR_CODE_SUFFIXES.passwordThenPay ? now + PASSWORD_DELAY_MS : null,
    state === 'SUCCESS' ? newTransactionId(request.wallet) : null,
    state === 'SUCCESS' ? now : null,
    now + CODE_TRADE_TTL_MS,
    now,
    request.merchantId,
    merchantFee(ctx, request.outTradeNo),
  )
}

/** The fee the merchant's rate gives the trade (see SimulatorOptions.merchantFeeFen), fixed when it is made. */
function merchantFee(ctx: SimulatorContext, outTradeNo: string): number {
  const fee = ctx.options.merchantFeeFen?.(outTradeNo) ?? 0
  return Number.isSafeInteger(fee) && fee > 0 ? fee : 0
}

function codeOutcome(suffix: string): TradeRow['state'] {
  if (suffix === SIMULATOR_CODE_SUFFIXES.declined) return 'PAYERROR'
  if (suffix === SIMULATOR_CODE_SUFFIXES.passwordThenPay || suffix === SIMULATOR_CODE_SUFFIXES.passwordNeverConfirmed) {
    return 'USERPAYING'
  }
  return 'SUCCESS'
}

export async function query(ctx: SimulatorContext, outTradeNo: string): Promise<ProviderTrade> {
  return toTrade(getTrade(ctx, outTradeNo), outTradeNo)
}

/** Closes an unpaid trade; a paid one stays paid (and is reported so). */
export async function close(ctx: SimulatorContext, outTradeNo: string): Promise<ProviderTrade> {
  if (takeFault(ctx.faults, (f) => f.kind === 'close_races_payment')) payJustBeforeClose(ctx, outTradeNo)
  writeTrade(
    ctx,
    "UPDATE sim_trades SET state = 'CLOSED', closed_at = ? WHERE out_trade_no = ? AND state IN ('NOTPAY', 'PAYERROR')",
    ctx.clock.now(),
    outTradeNo,
  )
  await ctx.books.durable()
  return toTrade(getTrade(ctx, outTradeNo), outTradeNo)
}

export async function reverse(ctx: SimulatorContext, outTradeNo: string): Promise<ProviderTrade> {
  const trade = getTrade(ctx, outTradeNo)
  if (!trade) return toTrade(null, outTradeNo)
  // A reversed paid trade is returned to the customer by the wallet: either way no money stays.
  writeTrade(
    ctx,
    "UPDATE sim_trades SET state = 'CLOSED', closed_at = ? WHERE out_trade_no = ? AND state != 'CLOSED'",
    ctx.clock.now(),
    outTradeNo,
  )
  await ctx.books.durable()
  return { ...toTrade(getTrade(ctx, outTradeNo), outTradeNo), state: 'REVOKED' as const }
}

/** The customer's payment reaches the wallet a moment before the merchant's close does. */
function payJustBeforeClose(ctx: SimulatorContext, outTradeNo: string): void {
  const trade = getTrade(ctx, outTradeNo)
  if (!trade || trade.state !== 'NOTPAY') return
  writeTrade(
    ctx,
    "UPDATE sim_trades SET state = 'SUCCESS', paid_at = ?, transaction_id = ? WHERE out_trade_no = ? AND state = 'NOTPAY'",
    ctx.clock.now(),
    newTransactionId(trade.wallet),
    outTradeNo,
  )
}
