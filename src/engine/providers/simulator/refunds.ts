import { EngineError } from '../../../shared/errors'
import { prepared } from '../../db/prepared'
import { newSecretToken } from '../../ids'
import type { ProviderRefund, RefundRequest } from '../types'
import { getTrade, type SimulatorContext } from './context'
import { takeFault } from './faults'

interface RefundRow {
  amount_fen: number
  refund_id: string
}

export async function refund(ctx: SimulatorContext, request: RefundRequest): Promise<ProviderRefund> {
  const result = refundInBooks(ctx, request)
  await ctx.books.durable()
  if (ctx.loseRefundAnswer) {
    ctx.loseRefundAnswer = false
    throw new EngineError('PROVIDER_ERROR', 'the refund answer was lost on the way')
  }
  return stillProcessing(ctx) ? { ...result, state: 'PROCESSING' } : result
}

/** A refund-processing fault: the wallet has the refund but says it is still under way. */
function stillProcessing(ctx: SimulatorContext): boolean {
  return takeFault(ctx.faults, (f) => f.kind === 'refund_processing') !== null
}

export async function queryRefund(ctx: SimulatorContext, outRefundNo: string): Promise<ProviderRefund> {
  const row = findRefund(ctx, outRefundNo)
  if (!row) throw new EngineError('NOT_FOUND', 'no such refund')
  return {
    outRefundNo,
    state: stillProcessing(ctx) ? 'PROCESSING' : 'SUCCESS',
    amountFen: row.amount_fen,
    providerRefundNo: row.refund_id,
  }
}

function findRefund(ctx: SimulatorContext, outRefundNo: string): RefundRow | undefined {
  return prepared(ctx.db, 'SELECT * FROM sim_refunds WHERE out_refund_no = ?').get(outRefundNo) as RefundRow | undefined
}

/** The wallet's side of a refund: idempotent by out_refund_no, never more than was paid. */
function refundInBooks(ctx: SimulatorContext, request: RefundRequest): ProviderRefund {
  return ctx.books.run((): ProviderRefund => {
    const { outRefundNo, outTradeNo, amountFen } = request
    const existing = findRefund(ctx, outRefundNo)
    if (existing) {
      return { outRefundNo, state: 'SUCCESS', amountFen: existing.amount_fen, providerRefundNo: existing.refund_id }
    }
    const trade = getTrade(ctx, outTradeNo)
    if (!trade || trade.state !== 'SUCCESS') {
      throw new EngineError('PROVIDER_ERROR', 'the trade is not paid, nothing to refund')
    }
    if (amountFen < 1 || refundedSoFar(ctx, outTradeNo) + amountFen > trade.amount_fen) {
      throw new EngineError('AMOUNT_OUT_OF_RANGE', 'refund exceeds the amount paid')
    }
    const refundId = `simr_${newSecretToken(9)}`
    prepared(
      ctx.db,
      'INSERT INTO sim_refunds (out_refund_no, out_trade_no, amount_fen, refund_id, created_at) VALUES (?, ?, ?, ?, ?)',
    ).run(outRefundNo, outTradeNo, amountFen, refundId, ctx.clock.now())
    return { outRefundNo, state: 'SUCCESS', amountFen, providerRefundNo: refundId }
  })
}

function refundedSoFar(ctx: SimulatorContext, outTradeNo: string): number {
  const sum = prepared(ctx.db, 'SELECT COALESCE(SUM(amount_fen), 0) AS total FROM sim_refunds WHERE out_trade_no = ?')
  return (sum.get(outTradeNo) as { total: number }).total
}
