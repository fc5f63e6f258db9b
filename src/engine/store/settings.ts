import { prepared } from '../db/prepared'
import type { Database } from 'better-sqlite3'
import { present } from '../../shared/assert'

export function getSetting(db: Database, key: string): string | null {
  const row = prepared(db, 'SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined
  return row?.value ?? null
}

export function setSetting(db: Database, key: string, value: string): void {
  prepared(
    db,
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(key, value)
}

/** Returns the stored value, creating it with `make()` the first time (atomically). */
export function getOrCreateSetting(db: Database, key: string, make: () => string): string {
  prepared(db, 'INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)').run(key, make())
  return present(getSetting(db, key), `setting ${key}`)
}
