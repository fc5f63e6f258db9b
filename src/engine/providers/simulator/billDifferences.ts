import { z } from 'zod'
import { RECONCILIATION_WALLETS } from '../../../shared/api/reconciliationSchemas'
import { EngineError } from '../../../shared/errors'
import { MAX_AMOUNT_FEN } from '../../../shared/money'
import { prepared } from '../../db/prepared'
import { newSecretToken } from '../../ids'
import type { SimulatorContext } from './context'

/**
 * Differences between the simulated wallet's books and the bills it issues, on demand (demos, tests, a merchant's
 * rehearsal of reconciliation):
 * - `drop_trade`: the trade's line (or, with outRefundNo, that refund's) is missing from the bill;
 * - `change_amount` / `change_fee`: the line shows another amount / fee;
 * - `refund_at_wallet`: a refund we never asked for (the trade's full amount unless said), on the bill of the
 *   trade's paid day unless `date` says another;
 * - `add_trade`: a paid trade we never created, on the bill of `date`;
 * - `other_account`: the trade (and its refunds) settled to another merchant account.
 * A `date` limits a difference to that day's bill. Differences stay until replaced: the same day's bill downloaded
 * twice is the same bill.
 */
const BillDate = z.iso.date()
const OutTradeNo = z.string().min(1).max(64)
const Fen = z.number().int().min(1).max(MAX_AMOUNT_FEN)
const FeeFen = z.number().int().min(-MAX_AMOUNT_FEN).max(MAX_AMOUNT_FEN)
const OnTrade = { outTradeNo: OutTradeNo, outRefundNo: OutTradeNo.optional(), date: BillDate.optional() }

export const SimulatorBillDifferenceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('drop_trade'), ...OnTrade }),
  z.strictObject({ kind: z.literal('change_amount'), ...OnTrade, amountFen: Fen }),
  z.strictObject({ kind: z.literal('change_fee'), ...OnTrade, feeFen: FeeFen }),
  z.strictObject({
    kind: z.literal('refund_at_wallet'),
    outTradeNo: OutTradeNo,
    outRefundNo: OutTradeNo.optional(),
    amountFen: Fen.optional(),
    date: BillDate.optional(),
  }),
  z.strictObject({
    kind: z.literal('add_trade'),
    wallet: z.enum(RECONCILIATION_WALLETS),
    date: BillDate,
    amountFen: Fen,
    outTradeNo: OutTradeNo.optional(),
    feeFen: FeeFen.optional(),
    merchantId: z.string().min(1).max(64).optional(),
    description: z.string().min(1).max(128).optional(),
  }),
  z.strictObject({
    kind: z.literal('other_account'),
    outTradeNo: OutTradeNo,
    merchantId: z.string().min(1).max(64),
    date: BillDate.optional(),
  }),
])
export type SimulatorBillDifferenceInput = z.input<typeof SimulatorBillDifferenceSchema>
/** As stored: numbers the bill needs are fixed when planned, so every download of a day shows the same. */
export type SimulatorBillDifference = z.output<typeof SimulatorBillDifferenceSchema> & { providerTradeNo?: string }

export const SimulatorBillDifferencesSchema = z.strictObject({
  differences: z.array(SimulatorBillDifferenceSchema).max(100),
})

/** Replaces the planned differences; each naming a trade must name one the wallet's books hold. */
export async function setBillDifferences(
  ctx: SimulatorContext,
  input: readonly SimulatorBillDifferenceInput[],
): Promise<SimulatorBillDifference[]> {
  const parsed = SimulatorBillDifferencesSchema.safeParse({ differences: input })
  if (!parsed.success) {
    throw new EngineError('VALIDATION_FAILED', 'not a list of bill differences', {
      issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    })
  }
  const differences = parsed.data.differences.map((difference) => settle(ctx, difference))
  const mark = ctx.books.mark()
  ctx.books.run(() => {
    prepared(ctx.db, 'DELETE FROM sim_bill_differences').run()
    const insert = prepared(ctx.db, 'INSERT INTO sim_bill_differences (position, difference) VALUES (?, ?)')
    differences.forEach((difference, i) => insert.run(i + 1, JSON.stringify(difference)))
  })
  await ctx.books.durable(mark)
  return differences
}

export function billDifferences(ctx: SimulatorContext): SimulatorBillDifference[] {
  const rows = prepared(ctx.db, 'SELECT difference FROM sim_bill_differences ORDER BY position').all() as {
    difference: string
  }[]
  return rows.map((row) => JSON.parse(row.difference) as SimulatorBillDifference)
}

function settle(
  ctx: SimulatorContext,
  difference: z.output<typeof SimulatorBillDifferenceSchema>,
): SimulatorBillDifference {
  if (difference.kind === 'add_trade') {
    return {
      ...difference,
      outTradeNo: difference.outTradeNo ?? `sim_extra_${newSecretToken(9)}`,
      providerTradeNo: `sim${difference.wallet}${newSecretToken(9)}`,
    }
  }
  const known = prepared(ctx.db, "SELECT 1 FROM sim_trades WHERE out_trade_no = ? AND state = 'SUCCESS'")
  if (!known.get(difference.outTradeNo)) {
    throw new EngineError('NOT_FOUND', `the simulated wallet has no paid trade ${difference.outTradeNo}`)
  }
  if (difference.kind === 'refund_at_wallet') {
    return { ...difference, outRefundNo: difference.outRefundNo ?? `wallet_${newSecretToken(9)}` }
  }
  return difference
}
