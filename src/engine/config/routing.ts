import type { Database } from 'better-sqlite3'
import type { z } from 'zod'
import type { RoutingSettings } from '../../shared/api/schemas'
import { getSetting, setSetting } from '../store/settings'
import { DEFAULT_ROUTING_SETTINGS } from './defaults'
import { appendAudit } from './audit'

export type RoutingSettingsData = z.output<typeof RoutingSettings>

const KEY = 'routing'

const cache = new WeakMap<Database, RoutingSettingsData>()

/** The store-wide routing settings (kept parsed; written only through saveRoutingSettings). Do not mutate. */
export function getRoutingSettings(db: Database): RoutingSettingsData {
  let settings = cache.get(db)
  if (!settings) {
    const stored = getSetting(db, KEY)
    settings = stored
      ? { ...DEFAULT_ROUTING_SETTINGS, ...(JSON.parse(stored) as Partial<RoutingSettingsData>) }
      : DEFAULT_ROUTING_SETTINGS
    cache.set(db, settings)
  }
  return settings
}

/** Drops the in-memory copy (after a lost commit the stored settings are read again). */
export function forgetRoutingSettings(db: Database): void {
  cache.delete(db)
}

/** Replaces the routing settings (already validated) and audits the change; call inside a transaction. */
export function saveRoutingSettings(db: Database, next: RoutingSettingsData, now: number): void {
  const before = getRoutingSettings(db)
  setSetting(db, KEY, JSON.stringify(next))
  cache.delete(db)
  if (db.inTransaction) queueMicrotask(() => cache.delete(db))
  appendAudit(db, { entity: 'routing', entityId: 'store', before, after: next, at: now })
}
