import type { Database, Statement } from 'better-sqlite3'

const caches = new WeakMap<Database, Map<string, Statement>>()
// Statements come mostly from one database at a time: the last one's cache spares a WeakMap lookup per statement.
let lastDb: Database | null = null
let lastCache: Map<string, Statement> | undefined

/** A prepared statement, compiled once per database and SQL text and reused: preparing is the costly part. */
export function prepared(db: Database, sql: string): Statement {
  let cache = db === lastDb ? lastCache : caches.get(db)
  if (!cache) caches.set(db, (cache = new Map()))
  lastDb = db
  lastCache = cache
  let statement = cache.get(sql)
  if (!statement) cache.set(sql, (statement = db.prepare(sql)))
  return statement
}

const multiRowTexts = new Map<string, string[]>()

/**
 * `insert VALUES (?, …), (?, …)`: an INSERT of `rows` rows of `columns` values each, prepared once per database. Its
 * text is made once per size too: a text built anew for each call was hashed anew by every lookup of it.
 */
export function preparedRows(db: Database, insert: string, columns: number, rows: number): Statement {
  let texts = multiRowTexts.get(insert)
  if (!texts) multiRowTexts.set(insert, (texts = []))
  let sql = texts[rows]
  if (sql === undefined) {
    const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`
    sql = texts[rows] = `${insert} VALUES ${Array.from({ length: rows }, () => row).join(', ')}`
  }
  return prepared(db, sql)
}

/** Reads the row the parameters name as a plain object (undefined when there is none). */
export type RowReader = (...params: unknown[]) => Record<string, unknown> | undefined

const readers = new WeakMap<Database, Map<string, RowReader>>()

/**
 * `prepared(db, sql).get` for the hottest whole-row reads (an order, a payment attempt, a simulated trade).
 * better-sqlite3 names each of a row's 20–30 columns through V8's API, and an object given that many properties one
 * by one ends up a dictionary, slow to read and very slow to copy (`{ ...row }`). The row is read as an array
 * instead and named by an object literal made once from the statement's column names, so every row has one fast
 * shape.
 */
export function rowReader(db: Database, sql: string): RowReader {
  let cache = readers.get(db)
  if (!cache) readers.set(db, (cache = new Map()))
  let reader = cache.get(sql)
  if (!reader) {
    const statement = db.prepare(sql).raw(true)
    const named = rowLiteral(statement.columns().map((column) => column.name))
    reader = (...params) => {
      const values = statement.get(...params) as unknown[] | undefined
      return values === undefined ? undefined : named(values)
    }
    cache.set(sql, reader)
  }
  return reader
}

/** `(values) => ({ a: values[0], b: values[1], … })` for these column names (our own schema's, quoted as JSON). */
function rowLiteral(names: readonly string[]): (values: unknown[]) => Record<string, unknown> {
  const fields = names.map((name, i) => `${JSON.stringify(name)}: values[${i}]`).join(', ')
  return new Function('values', `return { ${fields} }`) as (values: unknown[]) => Record<string, unknown>
}
