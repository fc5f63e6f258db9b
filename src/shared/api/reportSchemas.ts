import { z } from 'zod'
import { BusinessDay } from './daySchemas'

/** The longest range a report covers, in business days (a leap year). */
export const REPORT_MAX_DAYS = 366

export const REPORT_GRANULARITIES = ['hour', 'day', 'week', 'month'] as const
export type ReportGranularity = (typeof REPORT_GRANULARITIES)[number]

const DAY_MS = 86_400_000

/** Whole days from one YYYY-MM-DD to another (both read as calendar dates). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS)
}

/** A calendar date that exists: 2026-02-30 reads as a date but is none. */
function realDate(day: string): boolean {
  const at = Date.parse(`${day}T00:00:00Z`)
  return Number.isFinite(at) && new Date(at).toISOString().slice(0, 10) === day
}

/** `compare=false` in a query string, or a boolean over IPC. */
const QueryFlag = z.union([z.boolean(), z.stringbool()])

export const ReportInput = z
  .strictObject({
    from: BusinessDay.refine(realDate, 'not a calendar date'),
    to: BusinessDay.refine(realDate, 'not a calendar date'),
    granularity: z.enum(REPORT_GRANULARITIES).default('day').meta({
      description: 'hour: by hour of the day over the range; day: business days; week: ISO weeks; month',
    }),
    compare: QueryFlag.default(true).meta({ description: 'Also report the previous period of the same length' }),
    topProducts: z.coerce.number().int().min(1).max(50).default(10),
  })
  .superRefine((input, ctx) => {
    const span = daysBetween(input.from, input.to)
    if (span < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: '`to` is before `from`' })
    else if (span + 1 > REPORT_MAX_DAYS) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `a report covers at most ${REPORT_MAX_DAYS} days` })
    }
  })

const Int = z.number().int()
const Timestamp = z.iso.datetime()
/** A share or a rate in basis points (1 bp = 0.01 %); null where the base is zero. */
const Bp = Int.nullable()

export const ReportTotals = z.object({
  orders: Int,
  salesFen: Int,
  refunds: Int,
  refundsFen: Int,
  feesFen: Int,
  netFen: Int,
  averageTicketFen: Int,
  cashOverShortFen: Int,
})

const TOTAL_KEYS = ['orders', 'salesFen', 'refunds', 'refundsFen', 'feesFen', 'netFen', 'averageTicketFen'] as const
export type ReportTotalKey = (typeof TOTAL_KEYS)[number]

export const ReportSeriesPoint = z.object({
  key: z.string().meta({ description: 'HH:00, YYYY-MM-DD, YYYY-Www or YYYY-MM' }),
  orders: Int,
  salesFen: Int,
  refundsFen: Int,
  feesFen: Int,
  netFen: Int,
})

export const ReportPeople = z.object({
  id: z.string().nullable(),
  name: z.string().nullable(),
  orders: Int,
  salesFen: Int,
  refunds: Int,
  refundsFen: Int,
  feesFen: Int,
  netFen: Int,
  averageTicketFen: Int,
})

export const Report = z
  .object({
    from: z.string(),
    to: z.string(),
    days: Int,
    granularity: z.enum(REPORT_GRANULARITIES),
    startHour: Int,
    startsAt: Timestamp,
    endsAt: Timestamp.meta({ description: 'Where the last day ends (now, while it is still trading)' }),
    totals: ReportTotals,
    previous: z
      .object({ from: z.string(), to: z.string(), totals: ReportTotals })
      .nullable()
      .meta({ description: 'The same number of business days just before, unless compare=false' }),
    change: z
      .record(z.enum(TOTAL_KEYS), Bp)
      .nullable()
      .meta({ description: 'Change against the previous period in basis points; null where it had none' }),
    series: z.array(ReportSeriesPoint),
    methods: z.array(
      z.object({
        wallet: z.string(),
        payments: Int,
        receivedFen: Int,
        refunds: Int,
        refundedFen: Int,
        feesFen: Int,
        netFen: Int,
        shareBp: Bp,
      }),
    ),
    refunds: z.object({
      count: Int,
      amountFen: Int,
      rateBp: Bp.meta({ description: 'Merchant refunds against sales' }),
      automatic: z.object({ count: Int, amountFen: Int }).meta({
        description: 'Money given back on its own (a duplicate or late payment): not a sale, not in the totals',
      }),
    }),
    fees: z.object({ totalFen: Int, rateBp: Bp, wallets: z.array(z.object({ wallet: z.string(), feesFen: Int })) }),
    friendPay: z.object({
      requests: Int.meta({ description: 'Friend-pay requests created in the range' }),
      paid: Int.meta({ description: 'Of those, paid' }),
      conversionBp: Bp,
      orders: Int,
      salesFen: Int,
      shareBp: Bp,
    }),
    products: z.array(
      z.object({ productId: z.string().nullable(), name: z.string(), quantity: Int, salesFen: Int, orders: Int }),
    ),
    cashiers: z.array(ReportPeople),
    tills: z.array(ReportPeople),
  })
  .meta({ id: 'Report' })

export { TOTAL_KEYS as REPORT_TOTAL_KEYS }
