import type { Database } from 'better-sqlite3'
import type { Readable } from 'node:stream'
import type { z } from 'zod'
import type { DayReport } from '../../shared/api/daySchemas'
import type {
  DescribeDayExportInput,
  DescribeExportInput,
  ExportFileInfo,
  ExportTable,
} from '../../shared/api/exportSchemas'
import type { Logger } from '../logger'
import { dayReportSheet } from './dayReport'
import { CONTENT_TYPES, sheetStream } from './files'
import { ordersSheet } from './orders'
import { paymentsSheet } from './payments'
import { checkRange, type DayRange } from './range'
import { refundsSheet } from './refunds'
import { discrepanciesSheet } from './discrepancies'
import type { Sheet } from './sheet'
import type { ExportLang } from './words'

type TableInput = z.output<typeof DescribeExportInput>
type DayInput = z.output<typeof DescribeDayExportInput>
type FileInfo = z.output<typeof ExportFileInfo>

export interface ExportContext {
  db: Database
  log: Logger
  dayReport: (day: string) => z.output<typeof DayReport>
}

const SHEETS: Record<ExportTable, (db: Database, range: DayRange, lang: ExportLang) => Sheet> = {
  orders: ordersSheet,
  payments: paymentsSheet,
  refunds: refundsSheet,
  discrepancies: discrepanciesSheet,
}

/** Names an export of a table over business days, refusing a range it will not write. */
export function describeTableExport(input: TableInput): FileInfo {
  const { table, format, from, to, lang } = input
  checkRange({ from, to })
  const query = new URLSearchParams({ from, to, lang }).toString()
  return {
    fileName: `${table}-${from}_${to}.${format}`,
    contentType: CONTENT_TYPES[format],
    path: `/api/exports/${table}.${format}?${query}`,
  }
}

export function describeDayExport(input: DayInput): FileInfo {
  const { day, format, lang } = input
  return {
    fileName: `day-${day}.${format}`,
    contentType: CONTENT_TYPES[format],
    path: `/api/days/${day}/report.${format}?${new URLSearchParams({ lang }).toString()}`,
  }
}

/** The file's bytes, read from the books as they are sent (a table) or from the day's report. */
export function tableExportStream(ctx: ExportContext, input: TableInput): Readable {
  const sheet = SHEETS[input.table](ctx.db, checkRange(input), input.lang)
  return sheetStream(sheet, input.format, ctx.log)
}

export function dayExportStream(ctx: ExportContext, input: DayInput): Readable {
  return sheetStream(dayReportSheet(ctx.dayReport(input.day), input.lang), input.format, ctx.log)
}
