import { z } from 'zod'
import { MAX_AMOUNT_FEN } from '../money'
import { ATTEMPT_STATUSES, ORDER_STATUSES, ORDER_VIEW_STATUSES } from '../states'
import { Approval } from './staffSchemas'
import { REFUND_KINDS, REFUND_NOTE_MAX, REFUND_REASONS, REFUND_STATUSES } from '../refunds'
import { CONNECTION_TEST_CODES } from '../gateways'
import { EVENT_DATA, EVENT_TYPES, type EventType } from '../events'
import { CREDENTIAL_WALLETS, GATEWAY_MODES } from '../providers'
import { INSTALLMENT_PERIODS } from '../installments'
import { PAYMENT_CODE_PATTERN } from '../paymentCodes'
import { CONTRACT_STATUSES, OPTION_METHODS, PAYMENT_METHODS, PROVIDER_MODES, WALLET_IDS, WALLETS } from '../wallets'

/** Issues carrying this param are reported as AMOUNT_OUT_OF_RANGE instead of VALIDATION_FAILED. */
export const AMOUNT_ISSUE = { code: 'AMOUNT_OUT_OF_RANGE' } as const

export const AmountFen = z
  .number()
  .refine((v) => Number.isSafeInteger(v) && v >= 1 && v <= MAX_AMOUNT_FEN, {
    message: `amount must be a whole number of fen between 1 and ${MAX_AMOUNT_FEN}`,
    params: AMOUNT_ISSUE,
  })
  .meta({ description: 'Amount in integer fen (1/100 yuan)', example: 1234 })

const Timestamp = z.iso.datetime().meta({ description: 'RFC 3339 timestamp (UTC)' })
const NullableTimestamp = Timestamp.nullable()
const ShortText = (max: number) => z.string().trim().min(1).max(max)
export const EntityId = z.string().min(1).max(64).meta({ description: 'Object id, e.g. ord_01J…' })

export const WalletIdSchema = z.enum(WALLET_IDS)
export const PaymentMethodSchema = z.enum(PAYMENT_METHODS)
export const OptionMethodSchema = z.enum(OPTION_METHODS)
const BasisPoints = z.number().int().min(0).max(10_000).meta({ description: 'Rate in basis points (60 = 0.6 %)' })
const FenOrZero = z.number().int().min(0).max(MAX_AMOUNT_FEN)
const Periods = z.union(
  INSTALLMENT_PERIODS.map((p) => z.literal(p)) as [z.ZodLiteral<3>, z.ZodLiteral<6>, z.ZodLiteral<12>],
)
export const OrderStatusSchema = z.enum(ORDER_STATUSES)
export const OrderViewStatusSchema = z.enum(ORDER_VIEW_STATUSES).meta({
  description: 'A paid order reads partially_refunded / refunded once merchant refunds have given money back',
})
export const AttemptStatusSchema = z.enum(ATTEMPT_STATUSES)

export const StoreProfile = z
  .object({
    name: z.string(),
    address: z.string(),
    currency: z.literal('CNY'),
  })
  .meta({ id: 'StoreProfile' })

export const Product = z
  .object({
    id: z.string(),
    name: z.string(),
    sku: z.string(),
    barcode: z.string().nullable(),
    priceFen: z.number().int(),
    category: z.string(),
    active: z.boolean(),
  })
  .meta({ id: 'Product' })

export const OrderLine = z
  .object({
    id: z.string(),
    productId: z.string().nullable(),
    sku: z.string().nullable(),
    name: z.string(),
    unitPriceFen: z.number().int(),
    quantity: z.number().int(),
    amountFen: z.number().int(),
  })
  .meta({ id: 'OrderLine' })

export const Order = z
  .object({
    id: z.string(),
    dayNumber: z.number().int().meta({ description: 'Its number on its business day, shown as #0042' }),
    businessDay: z.iso.date().meta({ description: 'The business day it was rung up on (Asia/Shanghai)' }),
    mode: z
      .enum(PROVIDER_MODES)
      .nullable()
      .meta({ description: 'The mode of the payment that paid it: anything but production is not real money' }),
    friendPay: z.boolean().meta({ description: 'A friend was asked to pay it' }),
    status: OrderViewStatusSchema,
    totalFen: z.number().int(),
    refundedFen: z.number().int().meta({ description: 'What merchant refunds have given back (succeeded)' }),
    currency: z.literal('CNY'),
    description: z.string().nullable(),
    customerRef: z.string().nullable(),
    context: z.enum(['counter', 'online']),
    lines: z.array(OrderLine),
    paidWallet: WalletIdSchema.nullable(),
    paidAttemptId: z
      .string()
      .nullable()
      .meta({ description: 'The payment that paid the order (refunds go back to it)' }),
    staffId: z.string().nullable().meta({ description: 'Who rang it up: a staff member, or integration' }),
    tillId: z.string().nullable().meta({ description: 'The till it was rung up at' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    awaitingPaymentAt: NullableTimestamp,
    paidAt: NullableTimestamp,
    cancelledAt: NullableTimestamp,
    expiredAt: NullableTimestamp,
    expiresAt: Timestamp,
  })
  .meta({ id: 'Order' })

export const PaymentAttempt = z
  .object({
    id: z.string(),
    orderId: z.string(),
    wallet: WalletIdSchema,
    method: PaymentMethodSchema,
    mode: z.enum(PROVIDER_MODES),
    status: AttemptStatusSchema,
    amountFen: z.number().int(),
    qrContent: z.string().nullable(),
    providerTradeNo: z.string().nullable(),
    failureCode: z.string().nullable(),
    accountId: z.string().nullable(),
    installments: z.number().int().nullable(),
    merchantFeeFen: z.number().int().nullable(),
    tenderedFen: z.number().int().nullable(),
    changeFen: z.number().int().nullable(),
    paymentCodeMasked: z.string().nullable(),
    userPaying: z.boolean(),
    friendPayId: z.string().nullable().meta({ description: 'The friend-pay request this payment answers, if any' }),
    staffId: z.string().nullable().meta({ description: 'Who took it at the till: a staff member, or integration' }),
    expiresAt: Timestamp,
    createdAt: Timestamp,
    pendingAt: NullableTimestamp,
    succeededAt: NullableTimestamp,
    failedAt: NullableTimestamp,
    closedAt: NullableTimestamp,
  })
  .meta({ id: 'PaymentAttempt' })

const eventEnvelope = {
  seq: z.number().int(),
  orderId: z.string().nullable(),
  attemptId: z.string().nullable(),
  at: Timestamp,
}
type EventSchema<T extends EventType> = z.ZodObject<
  typeof eventEnvelope & { type: z.ZodLiteral<T>; data: (typeof EVENT_DATA)[T] }
>
type AnyEventSchema = { [T in EventType]: EventSchema<T> }[EventType]
const eventSchemas = EVENT_TYPES.map((type) =>
  z.object({ ...eventEnvelope, type: z.literal(type), data: EVENT_DATA[type] }),
) as unknown as [AnyEventSchema, ...AnyEventSchema[]]
/** An engine event; its `data` has the shape of its `type` (see shared/events.ts). */
export const EngineEvent = z.discriminatedUnion('type', eventSchemas).meta({ id: 'EngineEvent' })

const RefundLine = z
  .object({ lineId: z.string(), quantity: z.number().int(), amountFen: z.number().int() })
  .meta({ id: 'RefundLine' })

export const Refund = z
  .object({
    id: z.string(),
    orderId: z.string(),
    paymentId: z.string().meta({ description: 'The payment attempt the money goes back to' }),
    attemptId: z.string().meta({ description: 'The same as paymentId' }),
    wallet: WalletIdSchema,
    kind: z.enum(REFUND_KINDS),
    amountFen: z.number().int(),
    reason: z.string().meta({
      description: `A merchant refund's coded reason (${REFUND_REASONS.join(', ')}); automatic refunds say why the money was not needed`,
    }),
    note: z.string().nullable(),
    lines: z.array(RefundLine),
    staffId: z.string().nullable().meta({ description: 'Who asked for it: a staff member, or integration' }),
    approvedBy: z.string().nullable().meta({ description: 'The manager whose PIN approved it, if one was needed' }),
    status: z.enum(REFUND_STATUSES),
    providerRefundNo: z.string().nullable(),
    tries: z.number().int(),
    lastError: z.string().nullable(),
    retryOf: z.string().nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    processingAt: NullableTimestamp,
    succeededAt: NullableTimestamp,
    failedAt: NullableTimestamp,
  })
  .meta({ id: 'Refund' })

export const OrderDetail = Order.extend({
  refundableFen: z.number().int().meta({
    description: 'What a merchant refund can still give back: the paying payment less its refunds not refused',
  }),
  attempts: z.array(PaymentAttempt),
  refunds: z.array(Refund),
  timeline: z.array(EngineEvent),
}).meta({ id: 'OrderDetail' })

export const UNAVAILABLE_REASONS = [
  'NOT_SIGNED',
  'AMOUNT_ABOVE_MAX',
  'AMOUNT_BELOW_MIN',
  'DAILY_CAP_REACHED',
  'PRODUCT_EXCLUDED',
  'NOT_IN_ROLLOUT',
  'CHANNEL_UNHEALTHY',
  'CHANNEL_UNAVAILABLE',
  'NO_ACCOUNT',
  'CONTEXT_UNSUPPORTED',
] as const
export const UnavailableReasonSchema = z.enum(UNAVAILABLE_REASONS)

export const InstallmentPlanSchema = z
  .object({
    periods: z.number().int(),
    feeRateBp: z.number().int(),
    feeBearer: z.enum(['merchant', 'customer']),
    feeFen: z.number().int(),
    customerTotalFen: z.number().int(),
    merchantFeeFen: z.number().int(),
    firstPeriodFen: z.number().int(),
    laterPeriodFen: z.number().int(),
    schedule: z.array(
      z.object({
        period: z.number().int(),
        principalFen: z.number().int(),
        feeFen: z.number().int(),
        amountFen: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'InstallmentPlan' })

export const PaymentOption = z
  .object({
    wallet: WalletIdSchema,
    available: z.boolean(),
    reason: UnavailableReasonSchema.nullable().meta({
      description: 'Why the wallet is unavailable (coded), null when available',
    }),
    reasonDetail: z.string().nullable(),
    methods: z.array(OptionMethodSchema),
    mode: z.enum(PROVIDER_MODES),
    feeRateBp: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'The fee rate of the account a payment would use (basis points)' }),
    merchantFeeFen: z.number().int().nullable().meta({ description: 'What the merchant pays for this payment' }),
    customerCostFen: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'What the customer pays in all (order total plus any fee they bear)' }),
    rank: z.number().int().nullable().meta({ description: '1 = recommended; null when unavailable' }),
    rankReasons: z.array(z.string()).meta({ description: 'The ranking criteria that placed this option, in order' }),
    accountId: z.string().nullable().meta({ description: 'The merchant account a payment would use now' }),
    installmentPlans: z.array(InstallmentPlanSchema).optional(),
  })
  .meta({ id: 'PaymentOption' })

/** orders.create's answer: the order, and its payment options when asked for (withPaymentOptions). */
export const CreatedOrder = Order.extend({ paymentOptions: z.array(PaymentOption).optional() }).meta({
  id: 'CreatedOrder',
})

export const ACCOUNT_STRATEGIES = ['priority', 'split', 'least_cost', 'success_rate'] as const
export const RANKING_CRITERIA = ['last_used', 'priority', 'lowest_cost'] as const

const AccountId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'lower-case letters, digits, - and _ (max 32)')

export const WalletAccount = z
  .strictObject({
    id: AccountId,
    label: ShortText(40),
    merchantId: ShortText(64).meta({ description: 'The merchant number at the wallet (商户号 / PID)' }),
    priority: z.number().int().min(0).max(999),
    splitPercent: z.number().int().min(0).max(100),
    feeRateBp: BasisPoints.nullable().meta({ description: "Overrides the wallet's fee rate for this account" }),
    enabled: z.boolean(),
  })
  .meta({ id: 'WalletAccount' })

export const ProductRules = z
  .strictObject({
    onlyCategories: z
      .array(ShortText(30))
      .max(100)
      .meta({ description: 'If not empty, every line must be in one of these' }),
    excludeCategories: z.array(ShortText(30)).max(100),
    excludeSkus: z.array(ShortText(64)).max(500),
  })
  .meta({ id: 'ProductRules' })

export const HuabeiSettings = z
  .strictObject({
    periods: z.array(Periods).min(1).max(3),
    feeBearer: z.enum(['merchant', 'customer']),
    feeRatesBp: z.strictObject({ '3': BasisPoints, '6': BasisPoints, '12': BasisPoints }),
    minOrderFen: FenOrZero,
  })
  .meta({ id: 'HuabeiSettings' })

const WalletSettingsFields = {
  accepted: z.boolean(),
  contractStatus: z.enum(CONTRACT_STATUSES),
  mode: z.enum(PROVIDER_MODES),
  displayOrder: z.number().int().min(0).max(999).meta({ description: 'Merchant priority: lower is shown first' }),
  feeRateBp: BasisPoints,
  minFen: FenOrZero.meta({ description: 'Smallest order this wallet takes (0 = no minimum)' }),
  maxFen: FenOrZero.nullable().meta({ description: 'Largest order this wallet takes (null = no maximum)' }),
  dailyCapFen: FenOrZero.nullable().meta({ description: 'Most this wallet may take per business day (null = no cap)' }),
  rolloutPercent: z.number().int().min(0).max(100),
  productRules: ProductRules,
  accounts: z.array(WalletAccount).max(20),
  accountStrategy: z.enum(ACCOUNT_STRATEGIES),
  huabei: HuabeiSettings.nullable(),
  friendPay: z
    .boolean()
    .default(true)
    .meta({ description: 'Whether a friend may pay with this wallet through a share link' }),
  refundWindowDays: z.number().int().min(1).max(3650).nullable().default(null).meta({
    description:
      "Days after a payment its refunds are taken (null = as long as the wallet allows: one year for WeChat Pay and Alipay; cash without limit); never longer than the wallet's",
  }),
}

function checkWalletSettings(
  value: {
    wallet?: string
    minFen: number
    maxFen: number | null
    accounts: { id: string; splitPercent: number; enabled: boolean }[]
    accountStrategy: string
    huabei: unknown
  },
  ctx: z.RefinementCtx,
): void {
  if (value.maxFen !== null && value.minFen > value.maxFen) {
    ctx.addIssue({ code: 'custom', path: ['minFen'], message: 'minFen must not exceed maxFen' })
  }
  const ids = value.accounts.map((a) => a.id)
  if (new Set(ids).size !== ids.length)
    ctx.addIssue({ code: 'custom', path: ['accounts'], message: 'account ids must be unique' })
  if (value.accountStrategy === 'split') {
    const sum = value.accounts.filter((a) => a.enabled).reduce((n, a) => n + a.splitPercent, 0)
    if (sum !== 100)
      ctx.addIssue({
        code: 'custom',
        path: ['accounts'],
        message: 'split percentages of enabled accounts must add up to 100',
      })
  }
}

export const WalletConfig = z
  .object({ wallet: WalletIdSchema, ...WalletSettingsFields })
  .superRefine(checkWalletSettings)
  .meta({ id: 'WalletConfig' })

export const UpdateWalletInput = z
  .strictObject({ wallet: WalletIdSchema, ...WalletSettingsFields })
  .superRefine((value, ctx) => {
    checkWalletSettings(value, ctx)
    if (WALLETS[value.wallet].installments !== (value.huabei !== null)) {
      ctx.addIssue({
        code: 'custom',
        path: ['huabei'],
        message: 'Huabei settings belong to the huabei wallet only (and it needs them)',
      })
    }
  })

export const DEFAULT_FRIEND_PAY_SETTINGS = {
  enabled: true,
  ttlHours: 24,
  maxFen: 200_000,
  excludeCategories: [] as string[],
  excludeSkus: [] as string[],
}

export const FriendPaySettings = z
  .strictObject({
    enabled: z.boolean(),
    ttlHours: z.number().int().min(1).max(72).meta({ description: 'A request expires this long after it is made' }),
    maxFen: AmountFen.meta({ description: 'Largest order a friend may be asked to pay (default ¥2,000)' }),
    excludeCategories: z.array(ShortText(30)).max(100),
    excludeSkus: z.array(ShortText(64)).max(500),
  })
  .meta({ id: 'FriendPaySettings' })

export const FRIEND_PAY_MODES = ['open', 'name-initial', 'designated'] as const
export const FRIEND_PAY_STATUSES = ['open', 'paid', 'expired', 'cancelled'] as const

export const FriendPayRequest = z
  .object({
    id: z.string(),
    orderId: z.string(),
    status: z.enum(FRIEND_PAY_STATUSES),
    mode: z.enum(FRIEND_PAY_MODES),
    requesterName: z.string(),
    requesterMasked: z.string().meta({ description: 'What the friend sees, e.g. 王** (surname kept)' }),
    payerPhoneMasked: z.string().nullable(),
    message: z.string().nullable(),
    amountFen: z.number().int(),
    url: z.string().meta({ description: 'The link to share' }),
    payCode: z.string().meta({ description: 'Short pay code (口令) for chats that block links' }),
    qrSvg: z.string().meta({ description: 'QR code of the link as an SVG document' }),
    locked: z
      .boolean()
      .meta({ description: 'Too many wrong verification answers: the link no longer accepts payment' }),
    failedTries: z.number().int(),
    cancelReason: z.string().nullable(),
    expiresAt: Timestamp,
    createdAt: Timestamp,
    paidAt: NullableTimestamp,
    expiredAt: NullableTimestamp,
    cancelledAt: NullableTimestamp,
  })
  .meta({ id: 'FriendPayRequest' })

export const CreateFriendPayInput = z
  .strictObject({
    id: EntityId.meta({ description: 'Order id' }),
    requesterName: ShortText(20),
    mode: z.enum(FRIEND_PAY_MODES).default('open'),
    payerPhone: z
      .string()
      .regex(/^1\d{10}$/, 'a mainland mobile number: 11 digits starting with 1')
      .optional()
      .meta({ description: 'designated mode only: the only phone number that may pay' }),
    message: ShortText(100).optional(),
  })
  .superRefine((value, ctx) => {
    if ((value.mode === 'designated') !== (value.payerPhone !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['payerPhone'],
        message: 'payerPhone is required in designated mode, and only there',
      })
    }
  })

export const PaymentCodeRuleSchema = z.strictObject({
  wallet: WalletIdSchema,
  prefixes: z
    .array(z.string().regex(/^\d{1,6}$/))
    .min(1)
    .max(20),
  lengths: z.array(z.number().int().min(10).max(32)).min(1).max(23),
})

export const RoutingSettings = z
  .strictObject({
    ranking: z
      .array(z.enum(RANKING_CRITERIA))
      .min(1)
      .max(RANKING_CRITERIA.length)
      .refine((list) => new Set(list).size === list.length, 'ranking criteria must not repeat'),
    paymentCodeRules: z.array(PaymentCodeRuleSchema).max(20),
    paymentCodeTimeoutSeconds: z.number().int().min(10).max(300),
    accountHealth: z.strictObject({
      windowMinutes: z.number().int().min(1).max(1440),
      minAttempts: z.number().int().min(1).max(1000),
      minSuccessPercent: z.number().int().min(0).max(100),
      cooldownMinutes: z.number().int().min(1).max(1440),
    }),
    friendPay: FriendPaySettings.default(DEFAULT_FRIEND_PAY_SETTINGS),
  })
  .meta({ id: 'RoutingSettings' })

export const AuditEntry = z
  .object({
    seq: z.number().int(),
    entity: z.string(),
    entityId: z.string(),
    before: z.unknown(),
    after: z.unknown(),
    at: Timestamp,
    actor: z.string().nullable().meta({ description: 'Who made the change: a staff member, or integration' }),
  })
  .meta({ id: 'AuditEntry' })

export const AuditVerification = z
  .object({
    intact: z.boolean().meta({ description: 'Every entry links to the one before and hashes to what it carries' }),
    checked: z.number().int().meta({ description: 'Entries verified before the first break (all, when intact)' }),
    headHash: z
      .string()
      .nullable()
      .meta({ description: "The last entry's hash: note it (a day-close report, say) to detect a rewritten chain" }),
    brokenAt: z
      .object({
        seq: z.number().int(),
        reason: z.enum(['edited', 'unlinked']).meta({
          description:
            'edited: the entry does not hash to what it carries; unlinked: an entry before it was removed or changed',
        }),
      })
      .nullable(),
  })
  .meta({ id: 'AuditVerification' })

export const BackupFileSchema = z
  .object({
    name: z.string(),
    takenAt: Timestamp,
    bytes: z.number().int(),
  })
  .meta({ id: 'BackupFile' })

export const BackupSettingsSchema = z.strictObject({
  folder: z.string().min(1).max(1024).meta({ description: 'A full path: another disk or a synced folder is best' }),
  everyHours: z
    .number()
    .int()
    .min(0)
    .max(168)
    .meta({ description: 'Hours between backups; 0 takes them only at shutdown and on request' }),
})

export const BackupList = z
  .object({
    folder: z.string(),
    everyHours: z.number().int(),
    backups: z.array(BackupFileSchema).meta({ description: 'Newest first; 7 daily and 4 weekly are kept' }),
  })
  .meta({ id: 'BackupList' })

export const CreatedPayment = z
  .object({
    id: z.string(),
    orderId: z.string(),
    wallet: WalletIdSchema.nullable().meta({ description: 'null for the all-wallets code until a wallet is chosen' }),
    method: z.enum(['qr', 'payment-code', 'cash', 'aggregate']),
    mode: z
      .enum(PROVIDER_MODES)
      .nullable()
      .meta({ description: 'simulator and sandbox are not real money; null for the all-wallets code' }),
    status: AttemptStatusSchema,
    amountFen: z.number().int(),
    qrContent: z.string().nullable(),
    qrSvg: z.string().nullable().meta({ description: 'The QR code as a standalone SVG document' }),
    expiresAt: Timestamp,
    installments: z.number().int().nullable(),
    userPaying: z.boolean().meta({ description: 'Payment code: the customer is confirming in their wallet app' }),
    failureCode: z.string().nullable(),
    tenderedFen: z.number().int().nullable(),
    changeFen: z.number().int().nullable(),
  })
  .meta({ id: 'CreatedPayment' })

// ---- inputs ----

const Quantity = z.number().int().min(1).max(9999)

/** A catalog product by SKU, or an open-price line keyed at the counter (goods without a barcode). */
const LineInput = z.union([
  z.strictObject({ sku: ShortText(64), quantity: Quantity }),
  z.strictObject({ name: ShortText(60), unitPriceFen: AmountFen, quantity: Quantity.default(1) }),
])

const CustomerRef = ShortText(64).optional()
const Description = ShortText(120).optional()
const OrderContext = z.enum(['counter', 'online']).default('counter').meta({ description: 'Where the customer pays' })
const WithPaymentOptions = z.boolean().optional().meta({
  description: 'Answer the payment options too (as GET /api/orders/{id}/payment-options): one round trip for a till',
})

export const CreateOrderInput = z.union([
  z.strictObject({
    lines: z.array(LineInput).min(1).max(200),
    customerRef: CustomerRef,
    description: Description,
    context: OrderContext,
    withPaymentOptions: WithPaymentOptions,
  }),
  z.strictObject({
    amountFen: AmountFen,
    description: Description,
    customerRef: CustomerRef,
    context: OrderContext,
    withPaymentOptions: WithPaymentOptions,
  }),
])

export const IdInput = z.strictObject({ id: EntityId })

export const ListOrdersInput = z.strictObject({
  status: OrderViewStatusSchema.optional(),
  day: z.iso.date().optional().meta({ description: 'Only this business day (YYYY-MM-DD, Asia/Shanghai)' }),
  from: Timestamp.optional().meta({ description: 'Created at or after' }),
  to: Timestamp.optional().meta({ description: 'Created before' }),
  q: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .optional()
    .meta({ description: "Search: #42 (the day's number), the id or its tail, a line's name, the customer reference" }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})

export const OrderTotals = z
  .object({
    count: z.number().int(),
    paidCount: z.number().int(),
    paidFen: z.number().int().meta({ description: 'What the paid orders among them came to' }),
    refundedFen: z.number().int(),
    netFen: z.number().int(),
  })
  .meta({ id: 'OrderTotals', description: 'Every order the filter matches, not only the page' })

const OrderIdField = EntityId.meta({ description: 'Order id' })

/**
 * A merchant refund: `amountFen`, or the returned `lines` (their amount), or neither (what is left). With both, the
 * lines say what came back and `amountFen` what is given back.
 */
export const CreateRefundInput = z
  .strictObject({
    id: OrderIdField,
    amountFen: AmountFen.optional(),
    lines: z
      .array(z.strictObject({ lineId: EntityId, quantity: Quantity }))
      .min(1)
      .max(200)
      .optional(),
    reason: z.enum(REFUND_REASONS),
    note: ShortText(REFUND_NOTE_MAX).optional(),
    approval: Approval.optional().meta({
      description: "A manager's PIN on the cashier's screen, for a refund above the cashier's limit",
    }),
  })
  .superRefine((value, ctx) => {
    if (value.reason === 'other' && !value.note)
      ctx.addIssue({ code: 'custom', path: ['note'], message: 'reason other needs a note' })
    const ids = (value.lines ?? []).map((line) => line.lineId)
    if (new Set(ids).size !== ids.length)
      ctx.addIssue({ code: 'custom', path: ['lines'], message: 'each line may appear once' })
  })

const DayOrInstant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .meta({ description: 'A timestamp, or a date (a Beijing calendar day: from its start, to its end)' })

export const ListRefundsInput = z.strictObject({
  orderId: EntityId.optional(),
  status: z.enum(REFUND_STATUSES).optional(),
  from: DayOrInstant.optional(),
  to: DayOrInstant.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
})

/** `method` may be left out: it is `cash` for the cash wallet and `qr` otherwise. */
export const CreatePaymentInput = z.discriminatedUnion('method', [
  z.strictObject({
    id: OrderIdField,
    method: z.literal('qr'),
    wallet: WalletIdSchema.exclude(['cash']),
    installments: Periods.optional().meta({ description: 'Huabei: number of periods' }),
    qrSvg: z.boolean().default(true).meta({
      description:
        'false leaves `qrSvg` out (null): for clients that draw the code from `qrContent`, as the console does',
    }),
  }),
  z.strictObject({ id: OrderIdField, method: z.literal('aggregate') }),
  z.strictObject({
    id: OrderIdField,
    method: z.literal('payment-code'),
    authCode: z.string().regex(PAYMENT_CODE_PATTERN, 'a payment code is 10–32 digits'),
    wallet: WalletIdSchema.exclude(['cash', 'huabei'])
      .optional()
      .meta({ description: 'Force a wallet instead of detecting it' }),
  }),
  z.strictObject({
    id: OrderIdField,
    method: z.literal('cash'),
    wallet: z.literal('cash'),
    tenderedFen: AmountFen.meta({ description: 'Cash handed over by the customer' }),
  }),
])

export function withDefaultPaymentMethod(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw
  const input = raw as Record<string, unknown>
  if (input.method !== undefined) return raw
  const method = input.wallet === 'cash' ? 'cash' : 'qr'
  // The method first: an object literal that starts with a spread is several times slower to build. Set again
  // after, as the input may hold `method: undefined`.
  const withMethod = { method, ...input }
  withMethod.method = method
  return withMethod
}

export const CreateProductInput = z.strictObject({
  name: ShortText(60),
  sku: ShortText(64),
  barcode: ShortText(32).optional(),
  priceFen: AmountFen,
  category: ShortText(30).default('其他'),
})

export const EmptyInput = z.strictObject({})

// ---- real wallet credentials (secrets are write-only: never returned) ----

export { GATEWAY_MODES, CREDENTIAL_WALLETS, CredentialsInput, type CredentialWallet } from '../providers'
export { WechatPayCredentialsInput } from '../providers/wechatpay'
export { AlipayCredentialsInput } from '../providers/alipay'

export const CredentialsStatus = z
  .object({
    wallet: z.enum(CREDENTIAL_WALLETS),
    mode: z.enum(GATEWAY_MODES),
    configured: z.boolean(),
    gatewayUrl: z.string().nullable(),
    publicFields: z.record(z.string(), z.unknown()).meta({ description: 'Non-secret fields as stored' }),
    secretsSet: z.record(z.string(), z.boolean()).meta({ description: 'Which write-only secrets are stored' }),
    updatedAt: NullableTimestamp,
  })
  .meta({ id: 'CredentialsStatus' })

export const ConnectionTestResultSchema = z
  .object({
    ok: z.boolean(),
    code: z.enum(CONNECTION_TEST_CODES),
    message: z.string(),
  })
  .meta({ id: 'ConnectionTestResult' })
