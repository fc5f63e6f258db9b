import type { Database } from 'better-sqlite3'
import type { DiscrepancyKind, RunStatus } from '../../shared/api/reconciliationSchemas'
import { prepared } from '../db/prepared'

export interface RunRow {
  id: string
  wallet: string
  date: string
  mode: string
  status: RunStatus
  source: 'import' | 'download'
  reason: string | null
  matched_count: number
  bill: string | null
  created_at: number
  updated_at: number
}

export interface DiscrepancyRow {
  id: string
  run_id: string
  kind: DiscrepancyKind
  subject: 'payment' | 'refund'
  out_trade_no: string | null
  out_refund_no: string | null
  order_id: string | null
  ours_fen: number | null
  theirs_fen: number | null
  facts: string
  status: 'open' | 'resolved' | 'explained'
  note: string | null
  resolved_at: number | null
  resolved_by: string | null
  created_at: number
}

export function getRunRow(db: Database, id: string): RunRow | null {
  return (prepared(db, 'SELECT * FROM reconciliation_runs WHERE id = ?').get(id) as RunRow | undefined) ?? null
}

export function findRunRow(db: Database, key: { wallet: string; date: string; mode: string }): RunRow | null {
  const row = prepared(db, 'SELECT * FROM reconciliation_runs WHERE wallet = @wallet AND date = @date AND mode = @mode')
  return (row.get(key) as RunRow | undefined) ?? null
}

export function listRunRows(db: Database, filter: { from: string; to: string }): RunRow[] {
  return prepared(
    db,
    'SELECT * FROM reconciliation_runs WHERE date >= @from AND date <= @to ORDER BY date DESC, wallet',
  ).all(filter) as RunRow[]
}

/** Creates the run of a wallet, day and mode, or rewrites the one there is. */
export function saveRun(db: Database, row: RunRow): RunRow {
  prepared(
    db,
    `INSERT INTO reconciliation_runs (id, wallet, date, mode, status, source, reason, matched_count, bill, created_at,
       updated_at)
     VALUES (@id, @wallet, @date, @mode, @status, @source, @reason, @matched_count, @bill, @created_at, @updated_at)
     ON CONFLICT (wallet, date, mode) DO UPDATE SET status = excluded.status, source = excluded.source,
       reason = excluded.reason, matched_count = excluded.matched_count, bill = excluded.bill,
       updated_at = excluded.updated_at`,
  ).run(row)
  const saved = findRunRow(db, row)
  if (!saved) throw new Error(`reconciliation run ${row.wallet} ${row.date} was not saved`)
  return saved
}

export function listDiscrepancyRows(db: Database, runId: string): DiscrepancyRow[] {
  return prepared(db, 'SELECT * FROM reconciliation_discrepancies WHERE run_id = ? ORDER BY created_at, id').all(
    runId,
  ) as DiscrepancyRow[]
}

export function getDiscrepancyRow(db: Database, id: string): DiscrepancyRow | null {
  const row = prepared(db, 'SELECT * FROM reconciliation_discrepancies WHERE id = ?').get(id)
  return (row as DiscrepancyRow | undefined) ?? null
}

export function deleteDiscrepancies(db: Database, runId: string): void {
  prepared(db, 'DELETE FROM reconciliation_discrepancies WHERE run_id = ?').run(runId)
}

export function insertDiscrepancy(db: Database, row: DiscrepancyRow): void {
  prepared(
    db,
    `INSERT INTO reconciliation_discrepancies (id, run_id, kind, subject, out_trade_no, out_refund_no, order_id,
       ours_fen, theirs_fen, facts, status, note, resolved_at, resolved_by, created_at)
     VALUES (@id, @run_id, @kind, @subject, @out_trade_no, @out_refund_no, @order_id, @ours_fen, @theirs_fen, @facts,
       @status, @note, @resolved_at, @resolved_by, @created_at)`,
  ).run(row)
}

/** Compare-and-set: only an open discrepancy is settled, once. */
export function settleDiscrepancy(
  db: Database,
  change: { id: string; status: 'resolved' | 'explained'; note: string | null; at: number; by: string | null },
): boolean {
  return (
    prepared(
      db,
      `UPDATE reconciliation_discrepancies SET status = @status, note = @note, resolved_at = @at, resolved_by = @by
       WHERE id = @id AND status = 'open'`,
    ).run(change).changes === 1
  )
}

export function noteDiscrepancy(db: Database, id: string, note: string): void {
  prepared(db, `UPDATE reconciliation_discrepancies SET note = ? WHERE id = ? AND status = 'open'`).run(note, id)
}

/** After a discrepancy is settled, the run says matched once none is left open. */
export function refreshRunStatus(db: Database, runId: string, at: number): void {
  prepared(
    db,
    `UPDATE reconciliation_runs SET updated_at = @at, status = CASE WHEN EXISTS (
       SELECT 1 FROM reconciliation_discrepancies WHERE run_id = @runId AND status = 'open') THEN 'discrepancies'
       ELSE 'matched' END
     WHERE id = @runId AND status IN ('matched', 'discrepancies')`,
  ).run({ runId, at })
}
