import { z } from 'zod'
import { MethodFigures } from './shiftSchemas'

const Timestamp = z.iso.datetime()
export const BusinessDay = z.iso.date().meta({ description: 'A business day, YYYY-MM-DD (Asia/Shanghai)' })

export const DayReport = z
  .object({
    day: z.string(),
    status: z.enum(['open', 'closed']),
    startHour: z.number().int().meta({ description: 'The hour (Beijing time) a business day starts' }),
    startsAt: Timestamp,
    endsAt: Timestamp.meta({ description: 'The close time for a closed day; otherwise where the day will end' }),
    closedAt: Timestamp.nullable(),
    closedBy: z.string().nullable(),
    totals: z.object({
      orders: z.number().int(),
      salesFen: z.number().int(),
      refunds: z.number().int(),
      refundsFen: z.number().int(),
      feesFen: z.number().int(),
      netFen: z.number().int(),
      averageTicketFen: z.number().int(),
      cashOverShortFen: z.number().int(),
    }),
    wallets: z.array(
      MethodFigures.extend({
        account: z.string().meta({ description: 'The merchant account id, or the till for cash' }),
        settlementDate: z
          .string()
          .meta({ description: 'When the money reaches the bank: T+1 for wallets, today for cash' }),
      }),
    ),
    friendPay: z.object({ orders: z.number().int(), salesFen: z.number().int(), shareBp: z.number().int() }),
    cashiers: z.array(
      z.object({
        staffId: z.string().nullable(),
        name: z.string().nullable(),
        orders: z.number().int(),
        salesFen: z.number().int(),
        refunds: z.number().int(),
        refundsFen: z.number().int(),
      }),
    ),
    shifts: z.array(
      z.object({
        id: z.string(),
        tillId: z.string(),
        status: z.enum(['open', 'closed']),
        openedAt: Timestamp,
        closedAt: Timestamp.nullable(),
        expectedCashFen: z.number().int().nullable(),
        countedCashFen: z.number().int().nullable(),
        differenceFen: z.number().int().nullable(),
      }),
    ),
  })
  .meta({ id: 'DayReport' })

export const DaySettings = z.strictObject({
  startHour: z.number().int().min(0).max(12).meta({ description: 'Late shops start the business day at 04:00' }),
})

export const BooksVerification = z
  .object({
    ok: z.boolean(),
    checked: z.object({
      transactions: z.number().int(),
      entries: z.number().int(),
      accounts: z.number().int(),
      orders: z.number().int(),
      payments: z.number().int(),
      refunds: z.number().int(),
    }),
    problems: z.array(z.object({ check: z.string(), ids: z.array(z.string()), count: z.number().int() })),
  })
  .meta({ id: 'BooksVerification' })

export const CsvFileSchema = z
  .object({ fileName: z.string(), contentType: z.literal('text/csv; charset=utf-8'), text: z.string() })
  .meta({ id: 'CsvFile' })
