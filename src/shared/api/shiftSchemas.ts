import { z } from 'zod'
import { MAX_AMOUNT_FEN } from '../money'
import { Approval } from './staffSchemas'

const Timestamp = z.iso.datetime()
const Id = z.string().min(1).max(64)
const Fen = z.number().int().min(0).max(MAX_AMOUNT_FEN)
const PositiveFen = z.number().int().min(1).max(MAX_AMOUNT_FEN)

/** Why cash goes into or out of a drawer during a shift. */
export const CASH_IN_REASONS = ['change_top_up', 'other'] as const
export const CASH_OUT_REASONS = ['paid_out', 'to_safe', 'other'] as const

/** What a payment method (or one of its accounts) took, gave back and paid in fees, from the journal. */
export const MethodFigures = z.object({
  wallet: z.string(),
  payments: z.number().int(),
  receivedFen: z.number().int(),
  refunds: z.number().int(),
  refundedFen: z.number().int(),
  feesFen: z.number().int(),
  netFen: z.number().int(),
})

export const ShiftReport = z
  .object({
    cash: z.object({
      openingFloatFen: z.number().int(),
      salesFen: z.number().int(),
      refundsFen: z.number().int(),
      cashInFen: z.number().int(),
      cashOutFen: z.number().int(),
      expectedFen: z.number().int(),
      countedFen: z.number().int().nullable(),
      differenceFen: z.number().int().nullable(),
    }),
    methods: z.array(MethodFigures),
    orders: z.object({
      paid: z.number().int(),
      paidFen: z.number().int(),
      voided: z.number().int(),
      voidedFen: z.number().int(),
      friendPaid: z.number().int(),
      friendPaidFen: z.number().int(),
    }),
  })
  .meta({ id: 'ShiftReport' })

export const CashMovement = z
  .object({
    id: z.string(),
    kind: z.enum(['float', 'in', 'out', 'sale', 'refund']),
    amountFen: z.number().int().meta({ description: 'Into the drawer positive, out of it negative' }),
    reason: z.string().nullable(),
    staffId: z.string().nullable(),
    at: Timestamp,
  })
  .meta({ id: 'CashMovement' })

export const Shift = z
  .object({
    id: z.string(),
    tillId: z.string(),
    status: z.enum(['open', 'closed']),
    openedBy: z.string().nullable(),
    openedAt: Timestamp,
    openingFloatFen: z.number().int(),
    closedBy: z.string().nullable(),
    closedAt: Timestamp.nullable(),
    countedCashFen: z.number().int().nullable(),
    differenceFen: z.number().int().nullable(),
    approvedBy: z.string().nullable(),
    note: z.string().nullable(),
    movements: z.array(CashMovement),
    report: ShiftReport,
  })
  .meta({ id: 'Shift' })

export const OpenShiftInput = z.strictObject({
  openingFloatFen: Fen,
  tillId: Id.optional().meta({ description: "The till; a signed-in member's own till when left out" }),
})

export const CashMoveInput = z.discriminatedUnion('direction', [
  z.strictObject({
    id: Id,
    direction: z.literal('in'),
    amountFen: PositiveFen,
    reason: z.enum(CASH_IN_REASONS),
    note: z.string().trim().max(200).optional(),
  }),
  z.strictObject({
    id: Id,
    direction: z.literal('out'),
    amountFen: PositiveFen,
    reason: z.enum(CASH_OUT_REASONS),
    note: z.string().trim().max(200).optional(),
  }),
])

export const CloseShiftInput = z.strictObject({
  id: Id,
  countedCashFen: Fen,
  note: z.string().trim().max(200).optional(),
  approval: Approval.optional().meta({
    description: "A manager's PIN when the difference is above the limit and a cashier closes",
  }),
})

export const ListShiftsInput = z.strictObject({
  tillId: Id.optional(),
  status: z.enum(['open', 'closed']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})
