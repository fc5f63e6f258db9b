import type { Database } from 'better-sqlite3'
import { prepared } from '../db/prepared'

export interface ShiftRow {
  id: string
  till_id: string
  status: 'open' | 'closed'
  opened_by: string | null
  opened_at: number
  opening_float_fen: number
  closed_by: string | null
  closed_at: number | null
  expected_cash_fen: number | null
  counted_cash_fen: number | null
  difference_fen: number | null
  approved_by: string | null
  note: string | null
  report: string | null
}

export type MovementKind = 'float' | 'in' | 'out' | 'sale' | 'refund'

export interface MovementRow {
  id: string
  shift_id: string
  kind: MovementKind
  amount_fen: number
  reason: string | null
  attempt_id: string | null
  refund_id: string | null
  staff_id: string | null
  at: number
}

export function getShiftRow(db: Database, id: string): ShiftRow | null {
  return (prepared(db, 'SELECT * FROM shifts WHERE id = ?').get(id) as ShiftRow | undefined) ?? null
}

export function openShiftOf(db: Database, tillId: string): ShiftRow | null {
  return (
    (prepared(db, "SELECT * FROM shifts WHERE till_id = ? AND status = 'open'").get(tillId) as ShiftRow | undefined) ??
    null
  )
}

export function insertShift(
  db: Database,
  shift: { id: string; tillId: string; openedBy: string | null; floatFen: number },
  now: number,
): void {
  prepared(
    db,
    `INSERT INTO shifts (id, till_id, status, opened_by, opened_at, opening_float_fen)
     VALUES (?, ?, 'open', ?, ?, ?)`,
  ).run(shift.id, shift.tillId, shift.openedBy, now, shift.floatFen)
}

export interface ShiftClosing {
  closedBy: string | null
  expectedFen: number
  countedFen: number
  approvedBy: string | null
  note: string | null
  report: string
}

/** open → closed, compare-and-set. */
export function closeShiftRow(db: Database, id: string, closing: ShiftClosing, now: number): boolean {
  return (
    prepared(
      db,
      `UPDATE shifts SET status = 'closed', closed_by = @closedBy, closed_at = @now, expected_cash_fen = @expectedFen,
         counted_cash_fen = @countedFen, difference_fen = @countedFen - @expectedFen, approved_by = @approvedBy,
         note = @note, report = @report
       WHERE id = @id AND status = 'open'`,
    ).run({ ...closing, id, now }).changes === 1
  )
}

export function listShiftRows(
  db: Database,
  filter: { tillId?: string; status?: 'open' | 'closed'; from?: number; to?: number; limit: number },
): ShiftRow[] {
  const where: string[] = []
  if (filter.tillId !== undefined) where.push('till_id = @tillId')
  if (filter.status !== undefined) where.push('status = @status')
  if (filter.from !== undefined) where.push('opened_at >= @from')
  if (filter.to !== undefined) where.push('opened_at < @to')
  const sql = `SELECT * FROM shifts ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY opened_at DESC, id DESC LIMIT @limit`
  return prepared(db, sql).all(filter) as ShiftRow[]
}

export function insertMovement(db: Database, movement: Omit<MovementRow, 'at'>, now: number): void {
  prepared(
    db,
    `INSERT INTO cash_movements (id, shift_id, kind, amount_fen, reason, attempt_id, refund_id, staff_id, at)
     VALUES (@id, @shift_id, @kind, @amount_fen, @reason, @attempt_id, @refund_id, @staff_id, @now)`,
  ).run({ ...movement, now })
}

export function listMovements(db: Database, shiftId: string): MovementRow[] {
  return prepared(db, 'SELECT * FROM cash_movements WHERE shift_id = ? ORDER BY at, id').all(shiftId) as MovementRow[]
}

/** The cash the drawer should hold: the float and every movement in and out since. */
export function expectedCash(db: Database, shiftId: string): number {
  return (
    prepared(db, 'SELECT COALESCE(SUM(amount_fen), 0) AS total FROM cash_movements WHERE shift_id = ?').get(
      shiftId,
    ) as { total: number }
  ).total
}
