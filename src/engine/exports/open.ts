import type { Readable } from 'node:stream'
import type { z } from 'zod'
import type { ExportFileInfo } from '../../shared/api/exportSchemas'
import { parseOperationInput } from '../../shared/api/validate'
import { dayExportStream, tableExportStream, type ExportContext } from './service'

/** The operations that check an export and name its file; the file itself is streamed beside them. */
export type ExportOperation = 'exports.describe' | 'exports.describeDay'

export type ExportDownload = z.output<typeof ExportFileInfo> & { body: Readable }

export function isExportOperation(value: unknown): value is ExportOperation {
  return value === 'exports.describe' || value === 'exports.describeDay'
}

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
