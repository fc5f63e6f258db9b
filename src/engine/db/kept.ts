import type { Database } from 'better-sqlite3'

/** Values kept in memory per database and key, the most recently kept first to stay; see `keptPerDatabase`. */
export interface Kept<T> {
  get(db: Database, key: string): T | undefined
  /** Keeps `value` under `key` (as the most recent) and returns it. */
  keep(db: Database, key: string, value: T): T
  forget(db: Database, key: string): void
  /** After a write was undone: anything kept may hold what never happened. */
  forgetAll(db: Database): void
}

/**
 * Rows a checkout reads again and again, kept as last read or written. At most `limit` per database: the oldest
 * kept goes first (the rows of the sales at the tills right now are the ones asked for).
 */
export function keptPerDatabase<T>(limit: number): Kept<T> {
  const maps = new WeakMap<Database, Map<string, T>>()
  return {
    get: (db, key) => maps.get(db)?.get(key),
    keep(db, key, value) {
      let kept = maps.get(db)
      if (!kept) maps.set(db, (kept = new Map()))
      kept.delete(key)
      kept.set(key, value)
      if (kept.size > limit) kept.delete(kept.keys().next().value!)
      return value
    },
    forget: (db, key) => void maps.get(db)?.delete(key),
    forgetAll: (db) => void maps.delete(db),
  }
}
