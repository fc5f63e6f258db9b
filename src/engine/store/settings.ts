import { prepared } from '../db/prepared'
import type { Database } from 'better-sqlite3'
import { present } from '../../shared/assert'

/**
 * Settings as last read or written, by key (null: not set). Every sale reads some (the day's start hour), and they
 * change only through this file; all are forgotten whenever a write is undone (`forgetSettings`).
 */
const keptSettings = new WeakMap<Database, Map<string, string | null>>()

function kept(db: Database): Map<string, string | null> {
  let settings = keptSettings.get(db)
  if (!settings) keptSettings.set(db, (settings = new Map()))
  return settings
}

/** After a write was undone: a kept setting may hold what never happened. */
export function forgetSettings(db: Database): void {
  keptSettings.delete(db)
}

export function getSetting(db: Database, key: string): string | null {
  const settings = kept(db)
  const known = settings.get(key)
  if (known !== undefined) return known
  const row = prepared(db, 'SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined
  const value = row?.value ?? null
  settings.set(key, value)
  return value
}

export function setSetting(db: Database, key: string, value: string): void {
  prepared(
    db,
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(key, value)
  kept(db).set(key, value)
}

export function deleteSetting(db: Database, key: string): void {
  prepared(db, 'DELETE FROM settings WHERE key = ?').run(key)
  kept(db).set(key, null)
}

/** Returns the stored value, creating it with `make()` the first time (atomically). */
export function getOrCreateSetting(db: Database, key: string, make: () => string): string {
  if (prepared(db, 'INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)').run(key, make()).changes) {
    kept(db).delete(key)
  }
  return present(getSetting(db, key), `setting ${key}`)
}
