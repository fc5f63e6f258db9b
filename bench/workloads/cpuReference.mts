import { createHash } from 'node:crypto'
import Database from 'better-sqlite3'

/**
 * A fixed amount of CPU work shaped like a checkout's, with no disk: about 35 SQLite statements on an in-memory
 * database (inserts with JSON text, primary-key reads, compare-and-set updates, an indexed range read), JSON
 * encoding and decoding, and hashing. Machines differ in speed; dividing a checkout's CPU time by this unit's
 * gives a figure that compares across machines (a slower CPU slows both).
 */
function referenceUnit(db: Database.Database, statements: ReturnType<typeof prepare>, i: number): void {
  const payload = { id: `ord_${i}`, lines: [1, 2, 3].map((n) => ({ sku: `SKU-${n}`, quantity: n, fen: 100 * n })) }
  const text = JSON.stringify(payload)
  db.transaction(() => {
    statements.insert.run(`o${i}`, 'open', text, i)
    for (let k = 0; k < 12; k++) statements.insertEvent.run(`o${i}`, `e${k}`, text, i)
    for (let k = 0; k < 10; k++) JSON.parse((statements.get.get(`o${i}`) as { data: string }).data)
    for (let k = 0; k < 6; k++) statements.update.run(`s${k}`, i, `o${i}`, k === 0 ? 'open' : `s${k - 1}`)
    statements.range.all(`o${i}`)
  })()
  for (let k = 0; k < 4; k++) createHash('sha256').update(text).digest('hex')
}

function prepare(db: Database.Database) {
  db.exec(`
    CREATE TABLE o (id TEXT PRIMARY KEY, status TEXT NOT NULL, data TEXT NOT NULL, at INTEGER NOT NULL);
    CREATE TABLE e (seq INTEGER PRIMARY KEY, order_id TEXT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, at INTEGER NOT NULL);
    CREATE INDEX e_by_order ON e (order_id, seq);
  `)
  return {
    insert: db.prepare('INSERT INTO o (id, status, data, at) VALUES (?, ?, ?, ?)'),
    insertEvent: db.prepare('INSERT INTO e (order_id, type, data, at) VALUES (?, ?, ?, ?)'),
    get: db.prepare('SELECT * FROM o WHERE id = ?'),
    update: db.prepare('UPDATE o SET status = ?, at = ? WHERE id = ? AND status = ?'),
    range: db.prepare('SELECT seq, type FROM e WHERE order_id = ? ORDER BY seq'),
  }
}

/** Milliseconds of CPU one reference unit takes on this machine (median of five runs of `units`). */
export function cpuReferenceMs(units = 3000): number {
  const runs: number[] = []
  for (let run = 0; run < 5; run++) {
    const db = new Database(':memory:')
    const statements = prepare(db)
    for (let i = 0; i < 200; i++) referenceUnit(db, statements, -i - 1)
    const cpu = process.cpuUsage()
    for (let i = 0; i < units; i++) referenceUnit(db, statements, i)
    const used = process.cpuUsage(cpu)
    runs.push((used.user + used.system) / 1000 / units)
    db.close()
  }
  return runs.sort((a, b) => a - b)[2]!
}
