import type { Database } from 'better-sqlite3'
import type { StaffRole } from '../../shared/staff'
import { prepared } from '../db/prepared'

export interface StaffRow {
  id: string
  name: string
  role: StaffRole
  pin_hash: string
  demo_pin: string | null
  active: number
  failed_pins: number
  locked_until: number | null
  created_at: number
  updated_at: number
}

export interface TillRow {
  id: string
  name: string
  kind: 'desktop' | 'browser'
  created_at: number
  last_seen_at: number
}

export function getStaffRow(db: Database, id: string): StaffRow | null {
  return (prepared(db, 'SELECT * FROM staff WHERE id = ?').get(id) as StaffRow | undefined) ?? null
}

export function listStaffRows(db: Database): StaffRow[] {
  return prepared(db, 'SELECT * FROM staff ORDER BY active DESC, created_at, id').all() as StaffRow[]
}

export function countStaff(db: Database): number {
  return (prepared(db, 'SELECT COUNT(*) AS n FROM staff').get() as { n: number }).n
}

export function countActiveOwners(db: Database): number {
  return (prepared(db, "SELECT COUNT(*) AS n FROM staff WHERE role = 'owner' AND active = 1").get() as { n: number }).n
}

export function insertStaff(
  db: Database,
  member: { id: string; name: string; role: StaffRole; pinHash: string; demoPin: string | null },
  now: number,
): void {
  prepared(
    db,
    `INSERT INTO staff (id, name, role, pin_hash, demo_pin, created_at, updated_at)
     VALUES (@id, @name, @role, @pinHash, @demoPin, @now, @now)`,
  ).run({ ...member, now })
}

/** Compare-and-set on `updated_at`: a change made meanwhile by someone else is not overwritten. */
export function updateStaff(
  db: Database,
  id: string,
  seen: number,
  change: { name: string; role: StaffRole; active: boolean; pinHash: string | null },
  now: number,
): boolean {
  return (
    prepared(
      db,
      `UPDATE staff SET name = @name, role = @role, active = @active, updated_at = @now,
         pin_hash = COALESCE(@pinHash, pin_hash),
         demo_pin = CASE WHEN @pinHash IS NULL THEN demo_pin ELSE NULL END,
         failed_pins = CASE WHEN @pinHash IS NULL THEN failed_pins ELSE 0 END,
         locked_until = CASE WHEN @pinHash IS NULL THEN locked_until ELSE NULL END
       WHERE id = @id AND updated_at = @seen`,
    ).run({ ...change, active: change.active ? 1 : 0, id, seen, now }).changes === 1
  )
}

/** One more wrong PIN; returns how many in a row. */
export function countWrongPin(db: Database, id: string, now: number): number {
  const row = prepared(
    db,
    'UPDATE staff SET failed_pins = failed_pins + 1, updated_at = ? WHERE id = ? RETURNING failed_pins',
  ).get(now, id) as { failed_pins: number }
  return row.failed_pins
}

export function lockStaff(db: Database, id: string, until: number, now: number): void {
  prepared(db, 'UPDATE staff SET failed_pins = 0, locked_until = ?, updated_at = ? WHERE id = ?').run(until, now, id)
}

export function clearWrongPins(db: Database, id: string, now: number): void {
  prepared(
    db,
    'UPDATE staff SET failed_pins = 0, locked_until = NULL, updated_at = ? WHERE id = ? AND (failed_pins > 0 OR locked_until IS NOT NULL)',
  ).run(now, id)
}

export function getTillRow(db: Database, id: string): TillRow | null {
  return (prepared(db, 'SELECT * FROM tills WHERE id = ?').get(id) as TillRow | undefined) ?? null
}

export function findTillByName(db: Database, name: string): TillRow | null {
  return (prepared(db, 'SELECT * FROM tills WHERE name = ?').get(name) as TillRow | undefined) ?? null
}

export function listTillRows(db: Database): TillRow[] {
  return prepared(db, 'SELECT * FROM tills ORDER BY created_at, id').all() as TillRow[]
}

export function insertTill(db: Database, till: { id: string; name: string; kind: TillRow['kind'] }, now: number): void {
  prepared(db, 'INSERT INTO tills (id, name, kind, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)').run(
    till.id,
    till.name,
    till.kind,
    now,
    now,
  )
}
