import { prepared } from '../db/prepared'
import type { Database } from 'better-sqlite3'
import type { StoreProfile } from '../../shared/api/types'

interface ProfileRow {
  name: string
  address: string
}

export function getStoreProfile(db: Database): StoreProfile {
  const row = prepared(db, 'SELECT name, address FROM store_profile WHERE id = 1').get() as ProfileRow | undefined
  return { name: row?.name ?? '', address: row?.address ?? '', currency: 'CNY' }
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
}
