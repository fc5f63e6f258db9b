import { prepared } from '../db/prepared'
import type { Database } from 'better-sqlite3'
import type { z } from 'zod'
import type { AuditEntry } from '../../shared/api/schemas'
import { toIso } from '../clock'

export function appendAudit(
  db: Database,
  entry: { entity: string; entityId: string; before: unknown; after: unknown; at: number },
): void {
  prepared(db, 'INSERT INTO audit_log (entity, entity_id, before, after, at) VALUES (?, ?, ?, ?, ?)').run(
    entry.entity,
    entry.entityId,
    entry.before === undefined ? null : JSON.stringify(entry.before),
    JSON.stringify(entry.after),
    entry.at,
  )
}

interface AuditRow {
  seq: number
  entity: string
  entity_id: string
  before: string | null
  after: string
  at: number
}

export function listAudit(db: Database, limit: number): z.output<typeof AuditEntry>[] {
  const rows = prepared(db, 'SELECT * FROM audit_log ORDER BY seq DESC LIMIT ?').all(limit) as AuditRow[]
  return rows.map((row) => ({
    seq: row.seq,
    entity: row.entity,
    entityId: row.entity_id,
    before: row.before === null ? null : (JSON.parse(row.before) as unknown),
    after: JSON.parse(row.after) as unknown,
    at: toIso(row.at),
  }))
}
