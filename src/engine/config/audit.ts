import { prepared } from '../db/prepared'
import type { Database } from 'better-sqlite3'
import type { z } from 'zod'
import type { AuditEntry, AuditVerification } from '../../shared/api/schemas'
import { toIso } from '../clock'
import { AUDIT_GENESIS_HASH, auditEntryHash, type AuditRow } from './auditChain'
import { currentActor } from '../staff/principal'

/** Appends a sensitive action to the audit log, chained to the entry before it (call inside a unit of work). */
export function appendAudit(
  db: Database,
  entry: { entity: string; entityId: string; before: unknown; after: unknown; at: number },
): void {
  const last = prepared(db, 'SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as
    { hash: string | null } | undefined
  const previous = last?.hash ?? AUDIT_GENESIS_HASH
  const row = {
    entity: entry.entity,
    entity_id: entry.entityId,
    before: entry.before === undefined ? null : JSON.stringify(entry.before),
    after: JSON.stringify(entry.after),
    at: entry.at,
    actor: currentActor().staffId,
  }
  prepared(
    db,
    'INSERT INTO audit_log (entity, entity_id, before, after, at, actor, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(row.entity, row.entity_id, row.before, row.after, row.at, row.actor, previous, auditEntryHash(previous, row))
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
    actor: row.actor,
  }))
}

/**
 * Walks the whole chain: each entry must link to the one before and hash to what it carries. The first entry
 * that does not is where the log was changed outside the app.
 */
export function verifyAudit(db: Database): z.output<typeof AuditVerification> {
  let previous = AUDIT_GENESIS_HASH
  let checked = 0
  for (const row of prepared(db, 'SELECT * FROM audit_log ORDER BY seq').iterate() as IterableIterator<AuditRow>) {
    const reason =
      row.prev_hash !== previous ? 'unlinked' : row.hash !== auditEntryHash(previous, row) ? 'edited' : null
    if (reason) return { intact: false, checked, headHash: null, brokenAt: { seq: row.seq, reason } }
    previous = row.hash!
    checked++
  }
  return { intact: true, checked, headHash: checked ? previous : null, brokenAt: null }
}
