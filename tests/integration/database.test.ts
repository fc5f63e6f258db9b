import { chmodSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from '../../src/engine/db/migrations'
import { openDatabase } from '../../src/engine/db/open'
import { createEngine, createManualClock, DATABASE_FILE } from '../../src/engine'
import { tempDir } from '../support/engine'

const dirs: { remove(): void }[] = []
function freshFile(): string {
  const dir = tempDir()
  dirs.push(dir)
  return join(dir.path, 'test.sqlite')
}
afterEach(() => {
  while (dirs.length) dirs.pop()!.remove()
})

describe('database on a real SQLite file', () => {
  it('creates the schema on a fresh file and records its version', () => {
    const file = freshFile()
    const db = openDatabase(file)
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
      (r) => r.name,
    )
    expect(tables).toEqual(expect.arrayContaining(['orders', 'order_lines', 'payment_attempts', 'events', 'products']))
    db.close()
    expect(existsSync(file)).toBe(true)
  })

  it('keeps WAL and synchronous=FULL after reopening (SQLite does not persist synchronous)', () => {
    const file = freshFile()
    openDatabase(file).close()
    const plain = new BetterSqlite3(file)
    expect(plain.pragma('synchronous', { simple: true })).not.toBe(2) // a plain reopen falls back
    plain.close()
    const db = openDatabase(file)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('synchronous', { simple: true })).toBe(2) // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000)
    db.close()
  })

  it('refuses a database written by a newer version and leaves it untouched', () => {
    const file = freshFile()
    openDatabase(file).close()
    const raw = new BetterSqlite3(file)
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`)
    raw.close()
    expect(() => openDatabase(file)).toThrow(expect.objectContaining({ code: 'DATABASE_TOO_NEW' }))
    const after = new BetterSqlite3(file)
    expect(after.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 5)
    after.close()
  })

  it('runs pending migrations in one transaction: a failing one leaves the database as it was', () => {
    const file = freshFile()
    openDatabase(file).close()
    const broken: Migration[] = [
      ...MIGRATIONS,
      {
        version: LATEST_SCHEMA_VERSION + 1,
        name: 'adds a table',
        up: (db) => db.exec('CREATE TABLE extra (x INTEGER)'),
      },
      { version: LATEST_SCHEMA_VERSION + 2, name: 'fails', up: (db) => db.exec('ALTER TABLE missing ADD COLUMN y') },
    ]
    expect(() => openDatabase(file, { migrations: broken })).toThrow()
    const db = new BetterSqlite3(file)
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'extra'").get()).toBeUndefined()
    db.close()
  })

  it('applies a later migration to an existing database without losing data', () => {
    const file = freshFile()
    const db1 = openDatabase(file)
    db1.prepare("INSERT INTO settings (key, value) VALUES ('k', 'v')").run()
    db1.close()
    const next: Migration[] = [
      ...MIGRATIONS,
      {
        version: LATEST_SCHEMA_VERSION + 1,
        name: 'adds a column',
        up: (db) => db.exec('ALTER TABLE settings ADD COLUMN note TEXT'),
      },
    ]
    const db2 = openDatabase(file, { migrations: next })
    expect(db2.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 1)
    expect(db2.prepare("SELECT value, note FROM settings WHERE key = 'k'").get()).toEqual({ value: 'v', note: null })
    db2.close()
  })

  it('migration 1 builds the foundation schema on an empty file', () => {
    const file = freshFile()
    const db = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version === 1) })
    expect(db.pragma('user_version', { simple: true })).toBe(1)
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'orders'").get()).toBeTruthy()
    db.close()
  })

  it('migration 7 keeps stored credentials and files those of any registered provider', () => {
    const file = freshFile()
    const before = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version <= 6) })
    const insert = "INSERT INTO wallet_credentials VALUES (?, 'sandbox', 'https://gw', '{}', x'00', 'key-file', 1)"
    before.prepare(insert).run('wechat')
    expect(() => before.prepare(insert).run('unionpay')).toThrow(/CHECK/)
    before.close()
    const after = openDatabase(file)
    expect(after.prepare('SELECT wallet, gateway_url FROM wallet_credentials').all()).toEqual([
      { wallet: 'wechat', gateway_url: 'https://gw' },
    ])
    after.prepare(insert).run('unionpay')
    expect(() => after.prepare(insert).run('')).toThrow(/CHECK/)
    after.close()
  })

  it('migration 14 numbers the orders already made, per business day from 04:00 Beijing time', () => {
    const file = freshFile()
    const before = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version <= 13) })
    const insert = before.prepare(
      "INSERT INTO orders (id, status, total_fen, context, expires_at, created_at, updated_at) VALUES (?, 'paid', 100, 'counter', 0, ?, ?)",
    )
    // 2026-11-21 03:59 and 04:00 Beijing time, then 10:00 twice.
    for (const [id, at] of [
      ['ord_a', '2026-11-20T19:59:00Z'],
      ['ord_b', '2026-11-20T20:00:00Z'],
      ['ord_d', '2026-11-21T02:00:00Z'],
      ['ord_c', '2026-11-21T02:00:00Z'],
    ] as const) {
      insert.run(id, Date.parse(at), Date.parse(at))
    }
    before.close()
    const after = openDatabase(file)
    expect(after.prepare('SELECT id, business_day, day_number FROM orders ORDER BY id').all()).toEqual([
      { id: 'ord_a', business_day: '2026-11-20', day_number: 1 },
      { id: 'ord_b', business_day: '2026-11-21', day_number: 1 },
      { id: 'ord_c', business_day: '2026-11-21', day_number: 2 },
      { id: 'ord_d', business_day: '2026-11-21', day_number: 3 },
    ])
    after.close()
  })

  it('keeps the event log append-only', async () => {
    const dir = tempDir()
    dirs.push(dir)
    const engine = createEngine({ dataDir: dir.path, clock: createManualClock(0), sweepIntervalMs: 0 })
    await engine.invoke('orders.create', { amountFen: 100 })
    expect(() => engine.db.prepare("UPDATE events SET type = 'forged'").run()).toThrow(/append-only/)
    expect(() => engine.db.prepare('DELETE FROM events').run()).toThrow(/append-only/)
    await engine.close()
  })

  it('seeds the demo store once, on the first run only', async () => {
    const dir = tempDir()
    dirs.push(dir)
    const first = createEngine({ dataDir: dir.path, sweepIntervalMs: 0 })
    const products = (await first.invoke('products.list', {})) as { products: unknown[] }
    expect(products.products.length).toBeGreaterThan(3)
    await first.invoke('products.create', { name: '新品', sku: 'NEW-1', priceFen: 990 })
    await first.close()
    const second = createEngine({ dataDir: dir.path, sweepIntervalMs: 0 })
    const again = (await second.invoke('products.list', {})) as { products: { sku: string }[] }
    expect(again.products.length).toBe(products.products.length + 1)
    const wallets = (await second.invoke('wallets.list', {})) as {
      wallets: { wallet: string; contractStatus: string; mode: string }[]
    }
    expect(
      wallets.wallets
        .filter((w) => w.contractStatus === 'signed')
        .map((w) => w.wallet)
        .sort(),
    ).toEqual(['alipay', 'cash', 'huabei', 'unionpay', 'wechat'])
    expect(wallets.wallets.every((w) => w.mode === 'simulator')).toBe(true)
    await second.close()
  })
})

describe('the data folder is private to the user running the engine', () => {
  it('makes the folder 0700 and the databases 0600, and tightens what an older version left open', async () => {
    const dir = tempDir()
    dirs.push(dir)
    chmodSync(dir.path, 0o755)
    const books = join(dir.path, DATABASE_FILE)
    writeFileSync(books, '')
    chmodSync(books, 0o644)
    const engine = createEngine({ dataDir: dir.path, sweepIntervalMs: 0 })
    await engine.invoke('orders.create', { amountFen: 100 })
    const mode = (path: string) => statSync(path).mode & 0o777
    expect(mode(dir.path)).toBe(0o700)
    const files = readdirSync(dir.path).filter((name) => name.endsWith('.sqlite') || /-(wal|shm)$/.test(name))
    expect(files).toEqual(expect.arrayContaining([DATABASE_FILE, `${DATABASE_FILE}-wal`]))
    for (const name of files) expect(mode(join(dir.path, name)), name).toBe(0o600)
    await engine.close()
  })
})
