import { setImmediate as nextTurn } from 'node:timers/promises'

/** An amount in integer fen: CSV writes it as yuan text, XLSX as a number cell shown as ¥0.00. */
export interface FenCell {
  fen: number
}

export type Cell = string | number | FenCell | null

export function fenCell(fen: number | null): FenCell | null {
  return fen === null ? null : { fen }
}

export function isFenCell(cell: Cell): cell is FenCell {
  return typeof cell === 'object' && cell !== null
}

export interface Column {
  header: string
  /** Width in characters for the spreadsheet (CSV has none). */
  width: number
}

/**
 * A table to write as a file: its columns (none: the rows carry their own headings, as a day report's sections do)
 * and its rows, read a page at a time so that a year of orders never sits in memory at once.
 */
export interface Sheet {
  name: string
  columns: Column[]
  pages(): AsyncIterable<Cell[][]>
}

/** Rows read a page at a time after a cursor; the next page waits a turn of the event loop. */
export async function* pagesAfter<Cursor>(
  first: Cursor,
  readPage: (after: Cursor) => { rows: Cell[][]; next: Cursor } | null,
): AsyncIterable<Cell[][]> {
  let cursor = first
  for (;;) {
    const page = readPage(cursor)
    if (!page) return
    yield page.rows
    cursor = page.next
    // The rows are read synchronously: other requests get their turn between pages.
    await nextTurn()
  }
}

/** The rows of a small table, in one page. */
export async function* onePage(rows: Cell[][]): AsyncIterable<Cell[][]> {
  yield rows
}

/** 1234 → "12.34", from the integer alone. */
export function yuanText(fen: number): string {
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(fen)
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

/** An instant as Beijing wall-clock time, 2026-11-30 18:05:09. */
export function beijingTime(at: number | null): string {
  if (at === null) return ''
  return new Date(at + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ')
}

/** #0042 on its business day. */
export function orderNumber(dayNumber: number | null): string {
  return dayNumber === null ? '' : `#${String(dayNumber).padStart(4, '0')}`
}
