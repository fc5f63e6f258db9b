import type { Database } from 'better-sqlite3'
import type { PaymentAttempt } from '../../shared/api/types'
import type { AttemptStatus } from '../../shared/states'
import type { PaymentMethod, ProviderMode, WalletId } from '../../shared/wallets'
import { toIso, toIsoOrNull } from '../clock'

export interface AttemptRow {
  id: string
  order_id: string
  wallet: WalletId
  method: PaymentMethod
  provider: string
  mode: ProviderMode
  status: AttemptStatus
  amount_fen: number
  qr_content: string | null
  provider_trade_no: string | null
  failure_code: string | null
  expires_at: number
  created_at: number
  updated_at: number
  pending_at: number | null
  succeeded_at: number | null
  failed_at: number | null
  closed_at: number | null
}

export interface NewAttempt {
  id: string
  orderId: string
  wallet: WalletId
  method: PaymentMethod
  provider: string
  mode: ProviderMode
  amountFen: number
  expiresAt: number
}

const STATUS_COLUMN: Record<AttemptStatus, string | null> = {
  created: null,
  pending: 'pending_at',
  succeeded: 'succeeded_at',
  failed: 'failed_at',
  closed: 'closed_at',
}

export function insertAttempt(db: Database, attempt: NewAttempt, now: number): void {
  db.prepare(
    `INSERT INTO payment_attempts (id, order_id, wallet, method, provider, mode, status, amount_fen, expires_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 'created', ?, ?, ?, ?)`,
  ).run(
    attempt.id,
    attempt.orderId,
    attempt.wallet,
    attempt.method,
    attempt.provider,
    attempt.mode,
    attempt.amountFen,
    attempt.expiresAt,
    now,
    now,
  )
}

export function getAttemptRow(db: Database, id: string): AttemptRow | null {
  return (db.prepare('SELECT * FROM payment_attempts WHERE id = ?').get(id) as AttemptRow | undefined) ?? null
}

export function listAttemptRowsForOrder(db: Database, orderId: string): AttemptRow[] {
  return db.prepare('SELECT * FROM payment_attempts WHERE order_id = ? ORDER BY id').all(orderId) as AttemptRow[]
}

export function listUnfinishedAttemptRows(db: Database, limit: number): AttemptRow[] {
  return db
    .prepare("SELECT * FROM payment_attempts WHERE status IN ('created', 'pending') ORDER BY expires_at LIMIT ?")
    .all(limit) as AttemptRow[]
}

export function countUnfinishedAttemptsForOrder(db: Database, orderId: string): number {
  return (
    db
      .prepare("SELECT COUNT(*) AS n FROM payment_attempts WHERE order_id = ? AND status IN ('created', 'pending')")
      .get(orderId) as { n: number }
  ).n
}

/** Compare-and-set transition with its timestamp; extra columns are written in the same update. */
export function transitionAttempt(
  db: Database,
  id: string,
  from: AttemptStatus,
  to: AttemptStatus,
  now: number,
  extra: { qrContent?: string; providerTradeNo?: string | null; failureCode?: string } = {},
): boolean {
  const column = STATUS_COLUMN[to]
  const sets = ['status = @to', 'updated_at = @now']
  if (column) sets.push(`${column} = @now`)
  if (extra.qrContent !== undefined) sets.push('qr_content = @qrContent')
  if (extra.providerTradeNo !== undefined) sets.push('provider_trade_no = @providerTradeNo')
  if (extra.failureCode !== undefined) sets.push('failure_code = @failureCode')
  const result = db.prepare(`UPDATE payment_attempts SET ${sets.join(', ')} WHERE id = @id AND status = @from`).run({
    id,
    from,
    to,
    now,
    qrContent: extra.qrContent ?? null,
    providerTradeNo: extra.providerTradeNo ?? null,
    failureCode: extra.failureCode ?? null,
  })
  return result.changes === 1
}

export function toAttempt(row: AttemptRow): PaymentAttempt {
  return {
    id: row.id,
    orderId: row.order_id,
    wallet: row.wallet,
    method: row.method,
    mode: row.mode,
    status: row.status,
    amountFen: row.amount_fen,
    qrContent: row.qr_content,
    providerTradeNo: row.provider_trade_no,
    failureCode: row.failure_code,
    expiresAt: toIso(row.expires_at),
    createdAt: toIso(row.created_at),
    pendingAt: toIsoOrNull(row.pending_at),
    succeededAt: toIsoOrNull(row.succeeded_at),
    failedAt: toIsoOrNull(row.failed_at),
    closedAt: toIsoOrNull(row.closed_at),
  }
}
