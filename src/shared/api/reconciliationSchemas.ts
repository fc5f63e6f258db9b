import { z } from 'zod'
import { BusinessDay } from './daySchemas'

const Timestamp = z.iso.datetime()

/** The wallets whose bills (对账单) the console reconciles: each publishes a daily trade bill. */
export const RECONCILIATION_WALLETS = ['wechat', 'alipay'] as const
export type ReconciliationWallet = (typeof RECONCILIATION_WALLETS)[number]

/**
 * What can differ between our books and a wallet's bill:
 * - `missing_here`: paid (or refunded) at the wallet, unknown or unpaid here;
 * - `missing_at_wallet`: paid (or refunded) here, absent from the wallet's bill;
 * - `amount_mismatch`: both know it, for different amounts;
 * - `status_mismatch`: both know it, in different states (e.g. refunded there, not here);
 * - `fee_mismatch`: the wallet's fee differs from the rate configured here;
 * - `other_account`: settled to a merchant account that is not the one configured here.
 */
export const DISCREPANCY_KINDS = [
  'missing_here',
  'missing_at_wallet',
  'amount_mismatch',
  'status_mismatch',
  'fee_mismatch',
  'other_account',
] as const
export type DiscrepancyKind = (typeof DISCREPANCY_KINDS)[number]

/**
 * One-click actions, each only where safe: `query` asks the wallet now and records what it says through the
 * payment state machine; `refund` returns money paid at the wallet for nothing here; `explain` closes the
 * discrepancy with a note. Every action is audited.
 */
export const DISCREPANCY_ACTIONS = ['query', 'refund', 'explain'] as const
export type DiscrepancyAction = (typeof DISCREPANCY_ACTIONS)[number]

export const RUN_STATUSES = ['matched', 'discrepancies', 'not_available', 'failed'] as const
export type RunStatus = (typeof RUN_STATUSES)[number]

export const Discrepancy = z
  .object({
    id: z.string(),
    kind: z.enum(DISCREPANCY_KINDS),
    outTradeNo: z.string().nullable().meta({ description: 'Our payment number (out_trade_no)' }),
    outRefundNo: z.string().nullable().meta({ description: 'Our refund number (out_refund_no / out_request_no)' }),
    orderId: z.string().nullable(),
    oursFen: z.number().int().nullable(),
    theirsFen: z.number().int().nullable(),
    suggestedAction: z.string().meta({ description: "What to do, in the console's language" }),
    actions: z.array(z.enum(DISCREPANCY_ACTIONS)),
    status: z.enum(['open', 'resolved', 'explained']),
    note: z.string().nullable(),
    resolvedAt: Timestamp.nullable(),
    resolvedBy: z.string().nullable(),
  })
  .meta({ id: 'Discrepancy' })

export const BillTotals = z.object({
  trades: z.number().int(),
  refunds: z.number().int(),
  paidFen: z.number().int(),
  refundedFen: z.number().int(),
  feesFen: z.number().int(),
})

export const ReconciliationRun = z
  .object({
    id: z.string(),
    wallet: z.enum(RECONCILIATION_WALLETS),
    date: BusinessDay,
    mode: z.enum(['simulator', 'sandbox', 'production']),
    status: z.enum(RUN_STATUSES),
    source: z.enum(['import', 'download']),
    reason: z.string().nullable().meta({ description: 'Why the bill is not available or failed, in words' }),
    matchedCount: z.number().int(),
    bill: BillTotals.nullable(),
    discrepancies: z.array(Discrepancy),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'ReconciliationRun' })

export type ReconciliationRunView = z.output<typeof ReconciliationRun>
export type DiscrepancyView = z.output<typeof Discrepancy>
