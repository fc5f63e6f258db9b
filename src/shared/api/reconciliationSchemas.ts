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

const Lang = z.enum(['zh-CN', 'en-US']).default('zh-CN').meta({ description: 'The language of the suggested actions' })
const WalletField = z.enum(RECONCILIATION_WALLETS)
const ModeField = z
  .enum(['simulator', 'sandbox', 'production'])
  .optional()
  .meta({ description: "The bill's mode; by default the wallet's current mode" })

/** A bill file sent whole, base64 (the desktop console); over HTTP the body is the file itself. */
const MAX_BILL_BASE64 = 90_000_000

export const ImportBillInput = z
  .strictObject({
    wallet: WalletField,
    date: BusinessDay.meta({ description: "The bill's calendar day (Beijing time)" }),
    mode: ModeField,
    lang: Lang,
    fileBase64: z.string().min(1).max(MAX_BILL_BASE64).optional().meta({
      description:
        'The bill file in base64. Over HTTP send the file itself as the body instead: text/csv (WeChat Pay) or application/zip (Alipay)',
    }),
    uploadId: z
      .string()
      .regex(/^upl_[0-9a-f]{32}$/)
      .optional()
      .meta({ description: 'Set by the server for a raw body' }),
  })
  .refine((input) => (input.fileBase64 === undefined) !== (input.uploadId === undefined), {
    message: 'send the bill as the request body (or fileBase64)',
  })

export const RunBillInput = z.strictObject({ wallet: WalletField, date: BusinessDay, mode: ModeField, lang: Lang })

export const ListRunsInput = z
  .strictObject({
    date: BusinessDay.optional(),
    from: BusinessDay.optional(),
    to: BusinessDay.optional(),
    lang: Lang,
  })
  .meta({ description: 'One day (date), a range (from, to), or by default the last 14 days' })

export const RunIdInput = z.strictObject({ id: z.string().min(1).max(64), lang: Lang })

export const ResolveDiscrepancyInput = z.strictObject({
  id: z.string().min(1).max(64),
  action: z.enum(DISCREPANCY_ACTIONS),
  note: z.string().trim().max(500).optional().meta({ description: 'Required to explain; kept with the others' }),
  lang: Lang,
})
