import { PassThrough, Readable, pipeline, type Writable } from 'node:stream'
import { setTimeout as delay } from 'node:timers/promises'
import { stringify } from 'csv-stringify'
import ExcelJS from 'exceljs'
import type { ExportFormat } from '../../shared/api/exportSchemas'
import type { Logger } from '../logger'
import { errorFields } from '../logger'
import { isFenCell, yuanText, type Cell, type Sheet } from './sheet'

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
}

/** How Excel shows an amount: a number, in yuan with two decimals. */
export const YUAN_FORMAT = '"¥"#,##0.00'

/** The sheet as a file's bytes, written as the reader takes them. */
export function sheetStream(sheet: Sheet, format: ExportFormat, log: Logger): Readable {
  return format === 'csv' ? csvStream(sheet, log) : xlsxStream(sheet, log)
}

function hasHeader(sheet: Sheet): boolean {
  return sheet.columns.some((column) => column.header !== '')
}

/** Text Excel would run as a formula (=, +, -, @, or a tab or return first): a name typed in the console, say. */
const FORMULA_START = /^[=+\-@\t\r]/

/** A CSV cell: amounts as yuan text, and text that would start a formula kept as text by a leading apostrophe. */
function csvCell(cell: Cell): Cell {
  if (isFenCell(cell)) return yuanText(cell.fen)
  return typeof cell === 'string' && FORMULA_START.test(cell) ? `'${cell}` : cell
}

async function* csvRecords(sheet: Sheet): AsyncIterable<Cell[]> {
  if (hasHeader(sheet)) yield sheet.columns.map((column) => column.header)
  for await (const page of sheet.pages()) {
    for (const row of page) yield row.map(csvCell)
  }
}

/** UTF-8 with a byte-order mark (else Excel reads GBK) and CRLF, as Excel on Windows expects. */
function csvStream(sheet: Sheet, log: Logger): Readable {
  const stringifier = stringify({ bom: true, record_delimiter: 'windows' })
  return pipeline(Readable.from(csvRecords(sheet)), stringifier, (error) => {
    if (error) log.error({ sheet: sheet.name, ...errorFields(error) }, 'a CSV export stopped')
  })
}

function xlsxStream(sheet: Sheet, log: Logger): Readable {
  const out = new PassThrough()
  writeXlsx(sheet, out).catch((error: unknown) => {
    log.error({ sheet: sheet.name, ...errorFields(error) }, 'an Excel export stopped')
    out.destroy(error instanceof Error ? error : new Error(String(error)))
  })
  return out
}

/** exceljs's streaming writer: each row is committed (written out) as it is added, so memory stays flat. */
async function writeXlsx(sheet: Sheet, out: PassThrough): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
    zip: { zlib: { level: 1 } },
  })
  // The headings stay in view while a long list scrolls.
  const views = hasHeader(sheet) ? [{ state: 'frozen' as const, ySplit: 1 }] : []
  const worksheet = workbook.addWorksheet(sheet.name.slice(0, 31), { views })
  worksheet.columns = sheet.columns.map((column) => ({ width: column.width }))
  if (hasHeader(sheet)) {
    const headings = worksheet.addRow(sheet.columns.map((column) => column.header))
    headings.font = { bold: true }
    headings.commit()
  }
  for await (const page of sheet.pages()) {
    for (const cells of page) addXlsxRow(worksheet, cells)
    await compressionKeepsUp(worksheet, out)
    if (!(await readerKeepsUp(out))) return
  }
  worksheet.commit()
  await workbook.commit()
}

/**
 * One style object per kind of cell, set on every cell: exceljs remembers a style object it has seen, while a
 * cell's own fresh style would be rendered to XML and looked up again, cell after cell (a third of the export).
 */
const PLAIN_STYLE: Partial<ExcelJS.Style> = {}
const YUAN_STYLE: Partial<ExcelJS.Style> = { numFmt: YUAN_FORMAT }

function addXlsxRow(worksheet: ExcelJS.Worksheet, cells: Cell[]): void {
  // The number is parsed from the exact decimal text of the fen, never computed as fen / 100.
  const row = worksheet.addRow(cells.map((cell) => (isFenCell(cell) ? Number(yuanText(cell.fen)) : cell)))
  row.eachCell((cell, column) => {
    cell.style = isFenCell(cells[column - 1] ?? null) ? YUAN_STYLE : PLAIN_STYLE
  })
  row.commit()
}

/** Waits while the reader is behind; false once it has gone away. */
async function readerKeepsUp(out: PassThrough): Promise<boolean> {
  if (out.destroyed) return false
  if (out.writableNeedDrain) await drainedOrClosed(out, out)
  return !out.destroyed
}

/**
 * How much sheet XML may wait for the compressor: enough to keep it busy, and little, because chunks that wait long
 * outlive the young generation and are freed only by a full collection, so memory would grow with the rows (4 MB
 * here grew the server by 100 MB over 100,000 orders; 256 KB by under 40 MB, no slower).
 */
const COMPRESSION_BACKLOG_BYTES = 256 * 1024

/**
 * exceljs writes a sheet's XML on into the zip's compressor without waiting for it, so rows made faster than they
 * are compressed would pile up in memory: the next page waits while the compressor is far behind.
 */
async function compressionKeepsUp(worksheet: ExcelJS.Worksheet, out: PassThrough): Promise<void> {
  const sheetStream = (worksheet as unknown as { stream?: { pipes?: ZipInput[] } }).stream
  for (const pipe of sheetStream?.pipes ?? []) {
    // archiver's streams are readable-stream 2, which has no writableLength.
    while (!out.destroyed && (pipe.writableLength ?? pipe._writableState?.length ?? 0) > COMPRESSION_BACKLOG_BYTES) {
      await delay(5)
    }
  }
}

type ZipInput = Writable & { _writableState?: { length?: number } }

function drainedOrClosed(stream: Writable, out: PassThrough): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      stream.off('drain', done)
      out.off('close', done)
      resolve()
    }
    stream.on('drain', done)
    out.on('close', done)
  })
}
