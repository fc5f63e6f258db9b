import type { Database } from 'better-sqlite3'
import type { z } from 'zod'
import type { Report, ReportInput } from '../../shared/api/reportSchemas'
import { toIso, type Clock } from '../clock'
import { dayStartHour } from '../days/window'
import { foldWhileWriting } from '../ledger/folds'
import { foldReportSums } from './sumFolds'
import { readEntryFacts, readPeopleFacts, readProductFacts, readSeriesFacts } from './facts'
import { changeOf, feesOf, methodsOf, refundsOf, seriesOf, totalsOf } from './figures'
import { cashiersOf, friendPayOf, productsOf, tillsOf } from './people'
import { bucketCuts, bucketKeys, bucketOf, previousDays, reportRange } from './range'

export interface ReportContext {
  db: Database
  clock: Clock
}

type ReportData = z.output<typeof Report>
type Input = z.output<typeof ReportInput>

function previousPeriod(ctx: ReportContext, input: Input, startHour: number): ReportData['previous'] {
  const days = previousDays(input.from, input.to)
  const range = reportRange(ctx.db, days.from, days.to, startHour, ctx.clock.now())
  return { ...days, totals: totalsOf(readEntryFacts(ctx.db, range)) }
}

/**
 * The business days from `from` to `to`, from the journal: the same windows and the same sums as each day's
 * report, so the range's totals are the days' totals added up, fen for fen.
 */
export function buildReport(ctx: ReportContext, input: Input): ReportData {
  foldWhileWriting(ctx.db, foldReportSums)
  const startHour = dayStartHour(ctx.db)
  const range = reportRange(ctx.db, input.from, input.to, startHour, ctx.clock.now())
  const entries = readEntryFacts(ctx.db, range)
  const people = readPeopleFacts(ctx.db, range)
  const totals = totalsOf(entries)
  const methods = methodsOf(entries)
  const previous = input.compare ? previousPeriod(ctx, input, startHour) : null
  return {
    ...{ from: input.from, to: input.to, days: range.days.length, granularity: input.granularity, startHour },
    ...{ startsAt: toIso(range.start), endsAt: toIso(range.end) },
    totals,
    previous,
    change: previous ? changeOf(totals, previous.totals) : null,
    series: seriesOf(
      readSeriesFacts(ctx.db, range, bucketCuts(range, input.granularity)),
      bucketKeys(range, input.granularity, startHour),
      bucketOf(range, input.granularity),
    ),
    methods,
    refunds: refundsOf(entries, totals),
    fees: feesOf(entries, totals, methods),
    friendPay: friendPayOf(ctx.db, range, people, totals.salesFen),
    products: productsOf(readProductFacts(ctx.db, range), input.topProducts),
    cashiers: cashiersOf(ctx.db, people),
    tills: tillsOf(ctx.db, people),
  }
}

export function createReportService(ctx: ReportContext) {
  return { get: (input: Input) => buildReport(ctx, input) }
}

export type ReportService = ReturnType<typeof createReportService>
