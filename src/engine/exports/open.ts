import type { Readable } from 'node:stream'
import type { z } from 'zod'
import type { ExportFileInfo, ExportOperation } from '../../shared/api/exportSchemas'
import { parseOperationInput } from '../../shared/api/validate'
import { dayExportStream, tableExportStream, type ExportContext } from './service'

export type { ExportOperation }

export type ExportDownload = z.output<typeof ExportFileInfo> & { body: Readable }

/**
 * An export for a transport's caller: `describe` runs the describing operation as that caller (its permission, its
 * validation, its coded errors) before the first byte; the body is read from the books only after.
 */
export async function openExport(
  ctx: ExportContext,
  operation: ExportOperation,
  input: unknown,
  describe: () => Promise<unknown>,
): Promise<ExportDownload> {
  const info = (await describe()) as z.output<typeof ExportFileInfo>
  const body =
    operation === 'exports.describe'
      ? tableExportStream(ctx, parseOperationInput(operation, input))
      : dayExportStream(ctx, parseOperationInput(operation, input))
  return { ...info, body }
}
