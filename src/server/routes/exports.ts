import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Engine } from '../../engine'
import type { ExportOperation } from '../../engine/exports/open'
import { EXPORT_FORMATS, EXPORT_TABLES } from '../../shared/api/exportSchemas'
import { SESSION_HEADER, sessionHeader } from './api'

interface CsvFile {
  fileName: string
  contentType: string
  text: string
}

type ExportRequest = Pick<FastifyRequest, 'params' | 'query' | 'headers' | 'device'>

function callerOf(request: ExportRequest) {
  // A paired device is a console: it acts for the member signed in on it, never as the integrator.
  return { session: sessionHeader(request.headers[SESSION_HEADER]), integration: request.device === null }
}

/**
 * The CSV exports as files a browser downloads and Excel opens (the same text `days.exportCsv` and
 * `shifts.exportCsv` return inside JSON), with the caller's permissions.
 */
export function registerExportRoutes(app: FastifyInstance, engine: Engine): void {
  const download =
    (
      operation: 'days.exportCsv' | 'shifts.exportCsv',
      input: (params: Record<string, string>, lang: unknown) => object,
    ) =>
    async (request: ExportRequest, reply: { header(name: string, value: string): unknown }) => {
      const lang = (request.query as Record<string, unknown>).lang
      const file = (await engine.invokeUntrusted(
        operation,
        input(request.params as Record<string, string>, lang),
        callerOf(request),
      )) as CsvFile
      reply.header('Content-Type', file.contentType)
      reply.header('Content-Disposition', `attachment; filename="${file.fileName}"`)
      return file.text
    }
  app.get(
    '/api/days/:day/report.csv',
    download('days.exportCsv', (p, lang) => ({ day: p.day, ...(lang ? { lang } : {}) })),
  )
  app.get(
    '/api/shifts/:id/handover.csv',
    download('shifts.exportCsv', (p, lang) => ({ id: p.id, ...(lang ? { lang } : {}) })),
  )
  registerStreamedExports(app, engine)
}

/**
 * Orders, payments and refunds over business days, and the day report in Excel: checked (input, permission) by
 * the describing operation before any byte, then streamed from the books a page at a time.
 */
function registerStreamedExports(app: FastifyInstance, engine: Engine): void {
  const stream =
    (operation: ExportOperation, input: (request: ExportRequest) => object) =>
    async (request: ExportRequest, reply: FastifyReply) => {
      const file = await engine.openExport(operation, input(request), callerOf(request))
      reply.header('Content-Type', file.contentType)
      reply.header('Content-Disposition', `attachment; filename="${file.fileName}"`)
      reply.header('Cache-Control', 'no-store')
      return reply.send(file.body)
    }
  const query = (request: ExportRequest) => request.query as Record<string, unknown>
  for (const table of EXPORT_TABLES) {
    for (const format of EXPORT_FORMATS) {
      app.get(
        `/api/exports/${table}.${format}`,
        stream('exports.describe', (request) => ({ ...query(request), table, format })),
      )
    }
  }
  app.get(
    '/api/days/:day/report.xlsx',
    stream('exports.describeDay', (request) => ({
      ...query(request),
      day: (request.params as Record<string, string>).day,
      format: 'xlsx',
    })),
  )
}
