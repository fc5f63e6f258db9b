import type { Database } from 'better-sqlite3'
import type { ReconciliationWallet } from '../../shared/api/reconciliationSchemas'
import type { WalletId } from '../../shared/wallets'
import { getWalletConfig } from '../config/wallets'
import { prepared } from '../db/prepared'
import { beijingDayStart } from './bills/amounts'
import type { BillFormat } from './bills/types'

const HOUR_MS = 3600_000
/** A refund is asked for and ends within days; this bounds the refunds read for a bill to an indexed range. */
const REFUND_SETTLE_MS = 30 * 24 * HOUR_MS

/** Huabei is paid through Alipay: its trades are on Alipay's bill. */
export const BILL_WALLETS: Record<ReconciliationWallet, readonly WalletId[]> = {
  wechat: ['wechat'],
  alipay: ['alipay', 'huabei'],
}

/** The file each wallet's bill comes in. */
export const BILL_FORMAT: Record<ReconciliationWallet, BillFormat> = { wechat: 'wechat-csv', alipay: 'alipay-zip' }

/** A wallet's bill covers one calendar day in Beijing time, midnight to midnight. */
export function billWindow(date: string): { start: number; end: number } {
  const start = beijingDayStart(date)
  return { start, end: start + 24 * HOUR_MS }
}

export interface OurPayment {
  id: string
  orderId: string
  amountFen: number
  feeFen: number | null
  merchantId: string | null
  /** Set once a line of the bill has matched it. */
  ticked: boolean
}

export interface OurRefund {
  id: string
  attemptId: string
  orderId: string
  amountFen: number
  /** Set once a line of the bill has matched it. */
  ticked: boolean
}

export interface BillScope {
  wallet: ReconciliationWallet
  mode: string
  start: number
  end: number
}

/** The merchant numbers configured for a bill's wallets, by account id. */
export function merchantIds(db: Database, wallet: ReconciliationWallet): Map<string, string> {
  const byAccount = new Map<string, string>()
  for (const id of BILL_WALLETS[wallet]) {
    for (const account of getWalletConfig(db, id).accounts) byAccount.set(account.id, account.merchantId)
  }
  return byAccount
}

/** Payments that succeeded in the bill's window, in the mode the bill is for. */
export function ourPayments(db: Database, scope: BillScope): Map<string, OurPayment> {
  const accounts = merchantIds(db, scope.wallet)
  const payments = new Map<string, OurPayment>()
  for (const wallet of BILL_WALLETS[scope.wallet]) {
    // Rows as arrays: a busy day's hundred thousand payments are read without a keyed object each.
    const rows = prepared(
      db,
      `SELECT id, order_id, amount_fen, merchant_fee_fen, account_id FROM payment_attempts
       WHERE wallet = @wallet AND status = 'succeeded' AND succeeded_at >= @start AND succeeded_at < @end
         AND mode = @mode`,
    )
      .raw(true)
      .iterate({ wallet, start: scope.start, end: scope.end, mode: scope.mode }) as Iterable<
      [string, string, number, number | null, string | null]
    >
    for (const [id, orderId, amountFen, feeFen, accountId] of rows) {
      const merchantId = accountId === null ? null : (accounts.get(accountId) ?? null)
      payments.set(id, { id, orderId, amountFen, feeFen, merchantId, ticked: false })
    }
  }
  return payments
}

/** Refunds that succeeded in the bill's window, in its mode. */
export function ourRefunds(db: Database, scope: BillScope): Map<string, OurRefund> {
  const refunds = new Map<string, OurRefund>()
  for (const wallet of BILL_WALLETS[scope.wallet]) {
    const rows = prepared(
      db,
      `SELECT r.id, r.attempt_id, r.order_id, r.amount_fen FROM refunds r
         JOIN payment_attempts a ON a.id = r.attempt_id
       WHERE r.wallet = @wallet AND r.created_at >= @since AND r.created_at < @end AND r.status = 'succeeded'
         AND r.succeeded_at >= @start AND r.succeeded_at < @end AND a.mode = @mode`,
    ).iterate({ wallet, since: scope.start - REFUND_SETTLE_MS, start: scope.start, end: scope.end, mode: scope.mode })
    for (const row of rows as Iterable<{ id: string; attempt_id: string; order_id: string; amount_fen: number }>) {
      refunds.set(row.id, {
        ...{ id: row.id, attemptId: row.attempt_id, orderId: row.order_id },
        ...{ amountFen: row.amount_fen, ticked: false },
      })
    }
  }
  return refunds
}

export interface KnownAttempt {
  id: string
  orderId: string
  status: string
  amountFen: number
  orderStatus: string
  orderPaidBy: string | null
}

/** A payment of ours the bill names but that is not among the day's successes (another day, or unpaid here). */
export function knownAttempt(db: Database, id: string): KnownAttempt | null {
  const row = prepared(
    db,
    `SELECT a.id, a.order_id, a.status, a.amount_fen, o.status AS order_status, o.paid_attempt_id
     FROM payment_attempts a JOIN orders o ON o.id = a.order_id WHERE a.id = ?`,
  ).get(id) as
    | {
        id: string
        order_id: string
        status: string
        amount_fen: number
        order_status: string
        paid_attempt_id: string | null
      }
    | undefined
  if (!row) return null
  return {
    id: row.id,
    orderId: row.order_id,
    status: row.status,
    amountFen: row.amount_fen,
    orderStatus: row.order_status,
    orderPaidBy: row.paid_attempt_id,
  }
}

export interface KnownRefund {
  id: string
  orderId: string
  status: string
  amountFen: number
}

export function knownRefund(db: Database, id: string): KnownRefund | null {
  const row = prepared(db, 'SELECT id, order_id, status, amount_fen FROM refunds WHERE id = ?').get(id) as
    { id: string; order_id: string; status: string; amount_fen: number } | undefined
  return row ? { id: row.id, orderId: row.order_id, status: row.status, amountFen: row.amount_fen } : null
}
