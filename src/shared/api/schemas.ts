import { z } from 'zod'
import { MAX_AMOUNT_FEN } from '../money'
import { ATTEMPT_STATUSES, ORDER_STATUSES } from '../states'
import { CONTRACT_STATUSES, PAYMENT_METHODS, PROVIDER_MODES, WALLET_IDS } from '../wallets'

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
export const OrderStatusSchema = z.enum(ORDER_STATUSES)
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
    status: OrderStatusSchema,
    totalFen: z.number().int(),
    currency: z.literal('CNY'),
    description: z.string().nullable(),
    customerRef: z.string().nullable(),
    lines: z.array(OrderLine),
    paidWallet: WalletIdSchema.nullable(),
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
    expiresAt: Timestamp,
    createdAt: Timestamp,
    pendingAt: NullableTimestamp,
    succeededAt: NullableTimestamp,
    failedAt: NullableTimestamp,
    closedAt: NullableTimestamp,
  })
  .meta({ id: 'PaymentAttempt' })

export const EngineEvent = z
  .object({
    seq: z.number().int(),
    type: z.string(),
    orderId: z.string().nullable(),
    attemptId: z.string().nullable(),
    at: Timestamp,
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'EngineEvent' })

export const OrderDetail = Order.extend({
  attempts: z.array(PaymentAttempt),
  timeline: z.array(EngineEvent),
}).meta({ id: 'OrderDetail' })

export const PaymentOption = z
  .object({
    wallet: WalletIdSchema,
    available: z.boolean(),
    reason: z.string().nullable().meta({ description: 'Why the wallet is unavailable (coded), null when available' }),
    methods: z.array(PaymentMethodSchema),
    mode: z.enum(PROVIDER_MODES),
  })
  .meta({ id: 'PaymentOption' })

export const WalletConfig = z
  .object({
    wallet: WalletIdSchema,
    accepted: z.boolean(),
    contractStatus: z.enum(CONTRACT_STATUSES),
    mode: z.enum(PROVIDER_MODES),
    displayOrder: z.number().int(),
  })
  .meta({ id: 'WalletConfig' })

export const CreatedPayment = z
  .object({
    id: z.string(),
    orderId: z.string(),
    wallet: WalletIdSchema,
    method: PaymentMethodSchema,
    status: AttemptStatusSchema,
    amountFen: z.number().int(),
    qrContent: z.string(),
    qrSvg: z.string().meta({ description: 'The QR code as a standalone SVG document' }),
    expiresAt: Timestamp,
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

export const CreateOrderInput = z
  .union([
    z.strictObject({
      lines: z.array(LineInput).min(1).max(200),
      customerRef: CustomerRef,
      description: Description,
    }),
    z.strictObject({
      amountFen: AmountFen,
      description: Description,
      customerRef: CustomerRef,
    }),
  ])
  .meta({ id: 'CreateOrderInput' })

export const IdInput = z.strictObject({ id: EntityId })

export const ListOrdersInput = z.strictObject({
  status: OrderStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})

export const CreatePaymentInput = z.strictObject({
  id: EntityId.meta({ description: 'Order id' }),
  wallet: WalletIdSchema,
  method: PaymentMethodSchema.default('qr'),
})

export const CreateProductInput = z.strictObject({
  name: ShortText(60),
  sku: ShortText(64),
  barcode: ShortText(32).optional(),
  priceFen: AmountFen,
  category: ShortText(30).default('其他'),
})

export const EmptyInput = z.strictObject({})
