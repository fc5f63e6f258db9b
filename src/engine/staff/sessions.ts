import { createHash } from 'node:crypto'
import type { Database } from 'better-sqlite3'
import { prepared } from '../db/prepared'
import { newSecretToken } from '../ids'

/** A till left signed in overnight is signed out: a session lapses after this long without use. */
export const SESSION_IDLE_MS = 12 * 3600_000
/** How often a session's last use is written (not on every request). */
const TOUCH_EVERY_MS = 60_000

export interface SessionRow {
  id: string
  staff_id: string
  till_id: string | null
  pin_change_required: number
  created_at: number
  last_seen_at: number
  ended_at: number | null
}

const sha256 = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex')

/** Starts a session; the token is returned once and kept only as its hash. */
export function startSession(
  db: Database,
  session: { id: string; staffId: string; tillId: string | null; pinChangeRequired: boolean },
  now: number,
): string {
  const token = newSecretToken(24)
  prepared(
    db,
    `INSERT INTO staff_sessions (id, token_hash, staff_id, till_id, pin_change_required, created_at, last_seen_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(session.id, sha256(token), session.staffId, session.tillId, session.pinChangeRequired ? 1 : 0, now, now)
  return token
}

/** The live session a token opens, or null (unknown, ended, or lapsed). */
export function findSession(db: Database, token: string, now: number): SessionRow | null {
  const row = prepared(db, 'SELECT * FROM staff_sessions WHERE token_hash = ? AND ended_at IS NULL').get(
    sha256(token),
  ) as SessionRow | undefined
  return row && now - row.last_seen_at < SESSION_IDLE_MS ? row : null
}

export function sessionNeedsTouch(row: SessionRow, now: number): boolean {
  return now - row.last_seen_at >= TOUCH_EVERY_MS
}

export function touchSession(db: Database, id: string, now: number): void {
  prepared(db, 'UPDATE staff_sessions SET last_seen_at = ? WHERE id = ? AND ended_at IS NULL').run(now, id)
}

export function endSession(db: Database, id: string, now: number): void {
  prepared(db, 'UPDATE staff_sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL').run(now, id)
}

/** A PIN changed or a member turned away ends every session of theirs. */
export function endSessionsOf(db: Database, staffId: string, now: number): void {
  prepared(db, 'UPDATE staff_sessions SET ended_at = ? WHERE staff_id = ? AND ended_at IS NULL').run(now, staffId)
}

export function clearPinChange(db: Database, id: string): void {
  prepared(db, 'UPDATE staff_sessions SET pin_change_required = 0 WHERE id = ?').run(id)
}
