import type { Database } from 'better-sqlite3'
import type { z } from 'zod'
import type { Device, DeviceKind } from '../../shared/api/deviceSchemas'
import { toIso, toIsoOrNull } from '../clock'
import { prepared } from '../db/prepared'

export interface DeviceRow {
  id: string
  kind: DeviceKind
  name: string
  till_id: string
  token_hash: string
  paired_at: number
  paired_by: string | null
  last_seen_at: number | null
  revoked_at: number | null
  revoked_by: string | null
}

export interface PairingCodeRow {
  code: string
  kind: DeviceKind
  name: string
  till_id: string | null
  created_by: string | null
  created_at: number
  expires_at: number
  used_at: number | null
  device_id: string | null
}

export function deviceView(row: DeviceRow): z.output<typeof Device> {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    tillId: row.till_id,
    pairedAt: toIso(row.paired_at),
    pairedBy: row.paired_by,
    lastSeenAt: toIsoOrNull(row.last_seen_at),
    revokedAt: toIsoOrNull(row.revoked_at),
    revokedBy: row.revoked_by,
  }
}

export function insertPairingCode(db: Database, row: PairingCodeRow): boolean {
  return (
    prepared(
      db,
      `INSERT OR IGNORE INTO pairing_codes (code, kind, name, till_id, created_by, created_at, expires_at)
       VALUES (@code, @kind, @name, @till_id, @created_by, @created_at, @expires_at)`,
    ).run(row).changes === 1
  )
}

/** Codes past their five minutes are of no use to anyone: forgotten, so their digits can come up again. */
export function forgetExpiredCodes(db: Database, now: number): void {
  prepared(db, 'DELETE FROM pairing_codes WHERE expires_at <= ?').run(now)
}

export function getPairingCode(db: Database, code: string): PairingCodeRow | null {
  return (prepared(db, 'SELECT * FROM pairing_codes WHERE code = ?').get(code) as PairingCodeRow | undefined) ?? null
}

/** Compare-and-set: a code is used once. */
export function useCode(db: Database, code: string, deviceId: string, now: number): boolean {
  return (
    prepared(db, 'UPDATE pairing_codes SET used_at = ?, device_id = ? WHERE code = ? AND used_at IS NULL').run(
      now,
      deviceId,
      code,
    ).changes === 1
  )
}

export function insertDevice(db: Database, row: DeviceRow): void {
  prepared(
    db,
    `INSERT INTO devices (id, kind, name, till_id, token_hash, paired_at, paired_by)
     VALUES (@id, @kind, @name, @till_id, @token_hash, @paired_at, @paired_by)`,
  ).run(row)
}

export function getDeviceRow(db: Database, id: string): DeviceRow | null {
  return (prepared(db, 'SELECT * FROM devices WHERE id = ?').get(id) as DeviceRow | undefined) ?? null
}

export function findDeviceByTokenHash(db: Database, hash: string): DeviceRow | null {
  return (prepared(db, 'SELECT * FROM devices WHERE token_hash = ?').get(hash) as DeviceRow | undefined) ?? null
}

export function listDeviceRows(db: Database): DeviceRow[] {
  return prepared(db, 'SELECT * FROM devices ORDER BY revoked_at IS NOT NULL, paired_at DESC').all() as DeviceRow[]
}

/** Compare-and-set: revoked once. */
export function revokeDevice(db: Database, id: string, by: string | null, now: number): boolean {
  return (
    prepared(db, 'UPDATE devices SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL').run(
      now,
      by,
      id,
    ).changes === 1
  )
}

export function touchDevice(db: Database, id: string, now: number): void {
  prepared(db, 'UPDATE devices SET last_seen_at = ? WHERE id = ?').run(now, id)
}

export function recordPairingFailure(db: Database, now: number): void {
  prepared(db, 'INSERT INTO pairing_failures (at) VALUES (?)').run(now)
}

export function countPairingFailures(db: Database, since: number): number {
  return (prepared(db, 'SELECT COUNT(*) AS n FROM pairing_failures WHERE at > ?').get(since) as { n: number }).n
}

export function forgetPairingFailures(db: Database, before: number): void {
  prepared(db, 'DELETE FROM pairing_failures WHERE at <= ?').run(before)
}
