import { z } from 'zod'
import { BusinessDay } from './daySchemas'

/** The tables exported as files, one row each: orders, payment attempts, refunds. */
export const EXPORT_TABLES = ['orders', 'payments', 'refunds', 'discrepancies'] as const
export type ExportTable = (typeof EXPORT_TABLES)[number]

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

/** A year of business days: a longer export is a backup's job. */
export const MAX_EXPORT_DAYS = 366

const ExportLang = z.enum(['zh-CN', 'en-US']).default('zh-CN')

export const DescribeExportInput = z.strictObject({
  table: z.enum(EXPORT_TABLES),
  format: z.enum(EXPORT_FORMATS),
  from: BusinessDay,
  to: BusinessDay,
  lang: ExportLang,
})

export const DescribeDayExportInput = z.strictObject({
  day: BusinessDay,
  format: z.enum(EXPORT_FORMATS),
  lang: ExportLang,
})

/** Where the file is downloaded (the path under the server, with its query) and what it will be called. */
export const ExportFileInfo = z.object({
  fileName: z.string(),
  contentType: z.string(),
  path: z.string(),
})

/** The operations that check an export and name its file; the file itself is streamed beside them. */
export type ExportOperation = 'exports.describe' | 'exports.describeDay'

export function isExportOperation(value: unknown): value is ExportOperation {
  return value === 'exports.describe' || value === 'exports.describeDay'
}
