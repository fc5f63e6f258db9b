import { EXPORT_FORMATS, EXPORT_TABLES, MAX_EXPORT_DAYS } from '../shared/api/exportSchemas'

const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const

const DATE = { type: 'string', format: 'date' }
const LANG = { name: 'lang', in: 'query', required: false, schema: { enum: ['zh-CN', 'en-US'], default: 'zh-CN' } }

function fileOperation(operationId: string, summary: string, format: 'csv' | 'xlsx', parameters: unknown[]) {
  return {
    get: {
      operationId,
      summary,
      security: [{ bearer: [] }],
      parameters: [...parameters, LANG],
      responses: {
        '200': {
          description: 'The file, as an attachment (Content-Disposition), streamed',
          content: { [CONTENT_TYPES[format]]: { schema: { type: 'string', format: 'binary' } } },
        },
        '4XX': {
          description: 'Coded error, before any byte of the file',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    },
  }
}

/** The routes that answer with a file rather than JSON: exports for Excel and bookkeepers. */
export function fileRoutePaths(): Record<string, unknown> {
  const paths: Record<string, unknown> = {}
  const range = [
    { name: 'from', in: 'query', required: true, schema: DATE, description: 'First business day' },
    {
      name: 'to',
      in: 'query',
      required: true,
      schema: DATE,
      description: `Last business day (at most ${MAX_EXPORT_DAYS} days)`,
    },
  ]
  const formatText = {
    csv: 'CSV (UTF-8 with BOM, CRLF; yuan with 2 decimals)',
    xlsx: 'Excel (amounts as ¥ number cells)',
  }
  for (const table of EXPORT_TABLES) {
    for (const format of EXPORT_FORMATS) {
      paths[`/api/exports/${table}.${format}`] = fileOperation(
        `exports.${table}.${format}`,
        `One row per ${table === 'payments' ? 'payment attempt' : table.slice(0, -1)} of the business days from–to, as ${formatText[format]}; needs the reports permission`,
        format,
        range,
      )
    }
  }
  const day = { name: 'day', in: 'path', required: true, schema: DATE }
  for (const format of EXPORT_FORMATS) {
    paths[`/api/days/{day}/report.${format}`] = fileOperation(
      `days.report.${format}`,
      `A day report as ${formatText[format]}`,
      format,
      [day],
    )
  }
  paths['/api/shifts/{id}/handover.csv'] = fileOperation('shifts.handover.csv', 'A shift handover as CSV', 'csv', [
    { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
  ])
  return paths
}
