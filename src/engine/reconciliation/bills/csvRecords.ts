import { Readable } from 'node:stream'
import Papa from 'papaparse'
import { invalidBill } from './amounts'

/** One row of a bill file as read, with the file's line number for messages. */
export interface CsvRow {
  cells: string[]
  lineNumber: number
}

export type BillSource = Readable | Iterable<Buffer | string> | AsyncIterable<Buffer | string>

/** Rows parsed ahead of the reader before the file is paused: a few chunks, never the whole bill. */
const MAX_BATCHES_AHEAD = 4

/**
 * Streams a bill's rows, a parsed chunk at a time: the source is decoded and parsed chunk by chunk (papaparse, the
 * fastest of the parsers measured on a 100,000-line bill), and parsing pauses while the reader is behind, so a bill
 * never sits in memory whole. Batches rather than single rows: a hundred thousand awaits per bill cost more than
 * the parsing. The wallets write one record per line and quote nothing but a product name holding a comma, quote
 * or line break; a line's number is its record's, but for blank lines skipped before it.
 */
export async function* csvRowBatches(source: BillSource): AsyncGenerator<CsvRow[]> {
  const input = textStream(source)
  const feed = new RowFeed(input)
  let lineNumber = 0
  try {
    for (let batch = await feed.next(); batch; batch = await feed.next()) {
      if (batch.unclosedQuoteAt !== null) {
        // Else the rest of the file would be read as one value, and only the summary check would notice.
        throw invalidBill(lineNumber + batch.unclosedQuoteAt + 1, 'a quoted value is never closed')
      }
      yield batch.rows.map((cells) => ({ cells, lineNumber: ++lineNumber }))
    }
  } finally {
    // A reader that stops early (a bad line) leaves the file paused mid-way: close it.
    feed.stop()
    input.destroy()
  }
}

/** csvRowBatches row by row, for small files. */
export async function* csvRows(source: BillSource): AsyncGenerator<CsvRow> {
  for await (const batch of csvRowBatches(source)) yield* batch
}

/** The source as a stream of text, its bytes decoded as UTF-8 across chunk edges. */
function textStream(source: BillSource): Readable {
  // A byte stream, whatever came in: an object-mode stream would hand the parser chunks split mid-character.
  const bytes =
    source instanceof Readable && !source.readableObjectMode ? source : Readable.from(source, { objectMode: false })
  return bytes.setEncoding('utf8')
}

/** A parsed chunk's rows, and the index of a row whose quoted value never closes. */
interface Batch {
  rows: string[][]
  unclosedQuoteAt: number | null
}

/** Papaparse's chunk callbacks turned into batches pulled one at a time, pausing the parser while they pile up. */
class RowFeed {
  private readonly batches: Batch[] = []
  private done = false
  private failure: unknown = null
  private wake: (() => void) | null = null
  private paused: Papa.Parser | null = null
  private parser: Papa.Parser | null = null

  constructor(private readonly input: Readable) {
    input.once('error', (error) => this.fail(error))
    Papa.parse<string[]>(input as unknown as File, {
      delimiter: ',',
      skipEmptyLines: true,
      beforeFirstChunk: (chunk) => (chunk.charCodeAt(0) === 0xfeff ? chunk.slice(1) : chunk),
      chunk: (results, parser) => {
        this.parser = parser
        const unclosed = results.errors.find((error) => error.code === 'MissingQuotes')
        if (results.data.length) this.batches.push({ rows: results.data, unclosedQuoteAt: unclosed?.row ?? null })
        if (this.batches.length >= MAX_BATCHES_AHEAD) {
          // The parser's pause stops parsing only: the file is paused too, or it would pile up as text.
          parser.pause()
          this.input.pause()
          this.paused = parser
        }
        this.notify()
      },
      complete: () => {
        this.done = true
        this.notify()
      },
      error: (error: Error) => this.fail(error),
    })
  }

  async next(): Promise<Batch | null> {
    while (!this.batches.length && !this.done && !this.failure) {
      await new Promise<void>((resolve) => (this.wake = resolve))
    }
    if (this.failure) throw this.failure
    const batch = this.batches.shift() ?? null
    if (this.paused && this.batches.length < MAX_BATCHES_AHEAD) {
      const parser = this.paused
      this.paused = null
      parser.resume()
      this.input.resume()
    }
    return batch
  }

  stop(): void {
    this.parser?.abort()
  }

  private fail(error: unknown): void {
    this.failure ??= error
    this.notify()
  }

  private notify(): void {
    const wake = this.wake
    this.wake = null
    wake?.()
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
