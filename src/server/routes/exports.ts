import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Engine } from '../../engine'
import { SESSION_HEADER, sessionHeader } from './api'

interface CsvFile {
  fileName: string
  contentType: string
  text: string
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
    async (
      request: Pick<FastifyRequest, 'params' | 'query' | 'headers' | 'device'>,
      reply: { header(name: string, value: string): unknown },
    ) => {
      const caller = { session: sessionHeader(request.headers[SESSION_HEADER]), integration: request.device === null }
      const lang = (request.query as Record<string, unknown>).lang
      const file = (await engine.invokeUntrusted(
        operation,
        input(request.params as Record<string, string>, lang),
        caller,
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
}
