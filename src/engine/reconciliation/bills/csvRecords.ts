import { pipeline, Readable } from 'node:stream'
import { parse, type Options } from 'csv-parse'

/** One row of a bill file as csv-parse reads it, with the file's line number for messages. */
export interface CsvRow {
  cells: string[]
  lineNumber: number
}

export type BillSource = Readable | Iterable<Buffer | string> | AsyncIterable<Buffer | string>

/**
 * Streams a bill's rows: the source is read chunk by chunk and only the current row is held, so a bill of
 * 100,000 lines never sits in memory whole. The wallets quote nothing, but a product name may carry a stray
 * quote, and the summary rows are shorter than the lines: hence the relaxed quotes and column counts.
 */
export async function* csvRows(source: BillSource, options: Options = {}): AsyncGenerator<CsvRow> {
  const input = source instanceof Readable ? source : Readable.from(source)
  // Line numbers are counted here, not asked of the parser: its per-record info costs a fifth of the parsing. The
  // wallets write one record per line, so a record's number is its line's, but for blank lines skipped before it.
  const parser = parse({ bom: true, relax_quotes: true, relax_column_count: true, skip_empty_lines: true, ...options })
  // Errors of either stream reach the loop below through the parser, which pipeline destroys with them.
  pipeline(input, parser, () => undefined)
  let lineNumber = 0
  for await (const record of parser as AsyncIterable<string[]>) {
    lineNumber += 1
    yield { cells: record, lineNumber }
  }
}

/** Reads a row's cells by header name, so the wallets may add or move columns. */
export class ColumnIndex {
  private readonly index = new Map<string, number>()

  constructor(header: readonly string[], clean: (cell: string) => string) {
    header.forEach((name, i) => this.index.set(clean(name), i))
  }

  missing(required: readonly string[]): string[] {
    return required.filter((name) => !this.index.has(name))
  }

  has(name: string): boolean {
    return this.index.has(name)
  }

  get(cells: readonly string[], name: string, clean: (cell: string) => string): string {
    const i = this.index.get(name)
    return i === undefined ? '' : clean(cells[i] ?? '')
  }
}
