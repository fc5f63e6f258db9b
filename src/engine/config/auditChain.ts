import { createHash } from 'node:crypto'

/** An audit entry as stored: `before` and `after` as the JSON text written. */
export interface AuditRow {
  seq: number
  entity: string
  entity_id: string
  before: string | null
  after: string
  at: number
  prev_hash: string | null
  hash: string | null
  /** Who made the change (a staff member, `integration`); null for entries from before staff, or the engine. */
  actor: string | null
}

/** What the first entry links to. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64)

/**
 * An entry's hash covers the previous entry's hash and the entry's stored content, so changing any entry — or
 * removing or reordering one — breaks every link after it. This definition must never change: old chains are
 * verified with it.
 */
export function auditEntryHash(
  previousHash: string,
  row: Pick<AuditRow, 'entity' | 'entity_id' | 'before' | 'after' | 'at'> & { actor?: string | null },
): string {
  // The actor joined the entry later: entries without one hash exactly as they always did.
  const fields: unknown[] = [row.entity, row.entity_id, row.before, row.after, row.at]
  if (row.actor !== undefined && row.actor !== null) fields.push(row.actor)
  const content = JSON.stringify(fields)
  return createHash('sha256').update(`${previousHash}\n${content}`).digest('hex')
}
