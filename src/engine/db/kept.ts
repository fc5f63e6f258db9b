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
 * Two generations: what was kept lately, and the generation before it. When the young one is full it becomes the
 * old one, and the old one is dropped whole. A Map kept in recency order (delete, then set again) cost more: every
 * eviction scanned the holes its deletes had left at the front, about 1.5 % of a checkout.
 */
interface Generations<T> {
  young: Map<string, T>
  old: Map<string, T>
}

/**
 * Rows a checkout reads again and again, kept as last read or written. Per database, the last `limit` kept at least
 * and `2 × limit` at most: the rows of the sales at the tills right now are the ones asked for.
 */
export function keptPerDatabase<T>(limit: number): Kept<T> {
  const kept = new WeakMap<Database, Generations<T>>()
  // An engine has one database per kind of row: the last one asked for spares a WeakMap lookup per call.
  let lastDb: Database | null = null
  let last: Generations<T> | undefined
  const generationsOf = (db: Database): Generations<T> | undefined => {
    if (db !== lastDb) {
      lastDb = db
      last = kept.get(db)
    }
    return last
  }
  return {
    get(db, key) {
      const generations = generationsOf(db)
      if (!generations) return undefined
      const young = generations.young.get(key)
      return young === undefined ? generations.old.get(key) : young
    },
    keep(db, key, value) {
      let generations = generationsOf(db)
      if (!generations) {
        kept.set(db, (generations = { young: new Map(), old: new Map() }))
        last = generations
      }
      generations.young.set(key, value)
      if (generations.young.size >= limit) {
        generations.old = generations.young
        generations.young = new Map()
      }
      return value
    },
    forget(db, key) {
      const generations = kept.get(db)
      generations?.young.delete(key)
      generations?.old.delete(key)
    },
    forgetAll(db) {
      kept.delete(db)
      if (db === lastDb) last = undefined
    },
  }
}
