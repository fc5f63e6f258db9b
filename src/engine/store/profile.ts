import { prepared } from '../db/prepared'
import type { Database } from 'better-sqlite3'
import type { StoreProfile } from '../../shared/api/types'

interface ProfileRow {
  name: string
  address: string
}

/** The profile as last read or saved (each payment's description names the store); forgotten when a write is undone. */
const keptProfiles = new WeakMap<Database, StoreProfile>()

export function forgetStoreProfile(db: Database): void {
  keptProfiles.delete(db)
}

export function getStoreProfile(db: Database): StoreProfile {
  const known = keptProfiles.get(db)
  if (known) return { ...known }
  const row = prepared(db, 'SELECT name, address FROM store_profile WHERE id = 1').get() as ProfileRow | undefined
  const profile: StoreProfile = { name: row?.name ?? '', address: row?.address ?? '', currency: 'CNY' }
  keptProfiles.set(db, profile)
  return { ...profile }
}

export function hasStoreProfile(db: Database): boolean {
  return prepared(db, 'SELECT 1 FROM store_profile WHERE id = 1').get() !== undefined
}

export function saveStoreProfile(db: Database, profile: { name: string; address: string }, now: number): void {
  prepared(
    db,
    `INSERT INTO store_profile (id, name, address, created_at, updated_at) VALUES (1, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, address = excluded.address, updated_at = excluded.updated_at`,
  ).run(profile.name, profile.address, now, now)
  keptProfiles.delete(db)
}
