import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import BetterSqlite3, { type Database } from 'better-sqlite3'
import { EngineError } from '../../shared/errors'
import type { Clock } from '../clock'
import { LATEST_SCHEMA_VERSION } from '../db/migrations'

/** A backup file's name: the moment it was taken (UTC), sortable as text. */
const BACKUP_NAME = /^hutong-(\d{8})-(\d{6})\.sqlite$/

export interface BackupFile {
  name: string
  path: string
  takenAt: number
  bytes: number
}

export interface RotationPolicy {
  /** Every backup this many hours younger than the newest is kept (the schedule's backups of today). */
  recentHours: number
  /** The newest backup of each of this many most recent days is kept. */
  daily: number
  /** And the newest of each of this many most recent weeks (Monday to Sunday, UTC). */
  weekly: number
}

export const DEFAULT_ROTATION: RotationPolicy = { recentHours: 24, daily: 7, weekly: 4 }

function backupName(at: number): string {
  const iso = new Date(at).toISOString()
  return `hutong-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}.sqlite`
}

function takenAtOf(name: string): number | null {
  const match = BACKUP_NAME.exec(name)
  if (!match) return null
  const [d, t] = [match[1]!, match[2]!]
  return Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +t.slice(0, 2), +t.slice(2, 4), +t.slice(4, 6))
}

/** The backups in a folder, newest first (files not named like a backup are left alone). */
export function listBackups(folder: string): BackupFile[] {
  let names: string[]
  try {
    names = readdirSync(folder)
  } catch {
    // No folder yet (nothing was backed up there): no backups, not a failure.
    return []
  }
  return names
    .flatMap((name) => {
      const takenAt = takenAtOf(name)
      if (takenAt === null) return []
      const path = join(folder, name)
      return [{ name, path, takenAt, bytes: statSync(path).size }]
    })
    .sort((a, b) => b.takenAt - a.takenAt)
}

/**
 * An online backup of the open database (SQLite's backup API: consistent while checkouts go on), written to a
 * temporary name, checked, then given its final name, private to this user.
 */
export async function backUp(db: Database, folder: string, clock: Clock, nativeBinding?: string): Promise<BackupFile> {
  mkdirSync(folder, { recursive: true, mode: 0o700 })
  const takenAt = clock.now()
  const name = backupName(takenAt)
  const path = join(resolve(folder), name)
  const partial = `${path}.partial`
  try {
    await db.backup(partial)
    chmodSync(partial, 0o600)
    assertRestorable(partial, nativeBinding)
    // Same folder, so a rename: a backup is either whole under its name or absent.
    renameSync(partial, path)
  } finally {
    rmSync(partial, { force: true })
  }
  return { name, path, takenAt, bytes: statSync(path).size }
}

/**
 * Keeps every backup of the last `recentHours`, the newest of each of the last `daily` days and of each of the last
 * `weekly` weeks; deletes the rest. Returns the names deleted.
 */
export function rotateBackups(folder: string, policy: RotationPolicy = DEFAULT_ROTATION): string[] {
  const backups = listBackups(folder)
  const keep = new Set<string>()
  const days = new Set<string>()
  const weeks = new Set<string>()
  const recentFrom = (backups[0]?.takenAt ?? 0) - policy.recentHours * 3600_000
  for (const backup of backups) {
    if (backup.takenAt > recentFrom) keep.add(backup.name)
    const day = new Date(backup.takenAt).toISOString().slice(0, 10)
    const week = String(Math.floor((backup.takenAt / 86_400_000 + 3) / 7))
    if (!days.has(day) && days.size < policy.daily) {
      days.add(day)
      keep.add(backup.name)
    }
    if (!weeks.has(week) && weeks.size < policy.weekly) {
      weeks.add(week)
      keep.add(backup.name)
    }
  }
  const deleted = backups.filter((b) => !keep.has(b.name))
  for (const backup of deleted) rmSync(backup.path, { force: true })
  return deleted.map((b) => b.name)
}

/**
 * A file is restorable when SQLite finds it whole (`integrity_check`) and it is the merchant's books of this
 * version or an older one. Throws BACKUP_INVALID with the reason otherwise.
 */
export function assertRestorable(file: string, nativeBinding?: string): { orders: number; schemaVersion: number } {
  let db: Database
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) })
  } catch (error) {
    throw new EngineError('BACKUP_INVALID', `cannot open ${file}: ${(error as Error).message}`)
  }
  try {
    const integrity = db.pragma('integrity_check', { simple: true })
    if (integrity !== 'ok') throw new EngineError('BACKUP_INVALID', `the file is damaged: ${String(integrity)}`)
    const schemaVersion = db.pragma('user_version', { simple: true }) as number
    if (schemaVersion > LATEST_SCHEMA_VERSION) {
      throw new EngineError('BACKUP_INVALID', `the backup is from a newer version (schema ${schemaVersion})`)
    }
    const hasOrders = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'orders'").get()
    if (!hasOrders) throw new EngineError('BACKUP_INVALID', 'the file is not a Hutong Checkout database')
    const orders = (db.prepare('SELECT COUNT(*) AS n FROM orders').get() as { n: number }).n
    return { orders, schemaVersion }
  } catch (error) {
    if (error instanceof EngineError) throw error
    throw new EngineError('BACKUP_INVALID', `the file is not a readable database: ${(error as Error).message}`)
  } finally {
    db.close()
  }
}

/** A restore waits here until the next start, when the database is not open. */
export const PENDING_RESTORE_FILE = 'restore-pending.sqlite'

/**
 * Checks a backup and puts a copy where the next start picks it up: the running engine keeps its database
 * until then, so a restore never pulls the books from under a checkout.
 */
export function stageRestore(
  dataDir: string,
  file: string,
  nativeBinding?: string,
): { orders: number; schemaVersion: number } {
  const checked = assertRestorable(file, nativeBinding)
  const pending = join(dataDir, PENDING_RESTORE_FILE)
  copyFileSync(file, `${pending}.partial`)
  chmodSync(`${pending}.partial`, 0o600)
  renameSync(`${pending}.partial`, pending)
  return checked
}

/**
 * At start, before the database is opened: a staged restore replaces the database. The replaced files are kept
 * beside it (`hutong.sqlite.replaced-<time>`, with their WAL), never deleted.
 */
export function applyStagedRestore(dataDir: string, databaseFile: string, now: number): string | null {
  const pending = join(dataDir, PENDING_RESTORE_FILE)
  if (!existsSync(pending)) return null
  const current = join(dataDir, databaseFile)
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').slice(0, 15)
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(current + suffix)) renameSync(current + suffix, `${current}.replaced-${stamp}${suffix}`)
  }
  renameSync(pending, current)
  return `${current}.replaced-${stamp}`
}
