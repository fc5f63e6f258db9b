import BetterSqlite3, { type Database } from 'better-sqlite3'
import { EngineError } from '../../shared/errors'
import { MIGRATIONS, type Migration } from './migrations'

export interface OpenDatabaseOptions {
  /** Path to an Electron-ABI build of better-sqlite3 (the Electron app passes it; Node uses the default). */
  nativeBinding?: string
  migrations?: readonly Migration[]
  /** FULL for the merchant's books (the default); NORMAL only for data that is not the merchant's. */
  synchronous?: 'FULL' | 'NORMAL'
}

/**
 * Opens (or creates) the database file, applies the durability pragmas — on every open, because
 * SQLite does not persist `synchronous` — and brings the schema up to date.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Database {
  const db = new BetterSqlite3(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {})
  try {
    applyPragmas(db, options.synchronous ?? 'FULL')
    runMigrations(db, options.migrations ?? MIGRATIONS)
    return db
  } catch (error) {
    db.close()
    throw error
  }
}

export function applyPragmas(db: Database, synchronous: 'FULL' | 'NORMAL' = 'FULL'): void {
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${synchronous}`)
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  // Each unit of a commit group is a savepoint, whose journal otherwise spills to a temporary file once a group
  // passes 64 KiB: a write per page per unit, for data that is thrown away at the commit.
  db.pragma('temp_store = MEMORY')
  if (process.platform === 'darwin') db.pragma('fullfsync = ON')
}

/** Runs every pending migration in one transaction; refuses a database written by a newer version. */
export function runMigrations(db: Database, migrations: readonly Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number
  const latest = migrations.length ? migrations[migrations.length - 1]!.version : 0
  if (current > latest) {
    throw new EngineError(
      'DATABASE_TOO_NEW',
      `the database has schema version ${current}, newer than this app's ${latest}: update the app`,
    )
  }
  const pending = migrations.filter((m) => m.version > current)
  if (!pending.length) return
  db.transaction(() => {
    for (const migration of pending) {
      migration.up(db)
      db.pragma(`user_version = ${migration.version}`)
    }
  })()
}
