import type { Database } from 'better-sqlite3'
import { prepared } from '../db/prepared'
import { expectedCash, listMovements, type ShiftRow } from './queries'

export interface MethodFigures {
  wallet: string
  payments: number
  receivedFen: number
  refunds: number
  refundedFen: number
  feesFen: number
  netFen: number
}

export interface ShiftReportData {
  cash: {
    openingFloatFen: number
    salesFen: number
    refundsFen: number
    cashInFen: number
    cashOutFen: number
    expectedFen: number
    countedFen: number | null
    differenceFen: number | null
  }
  methods: MethodFigures[]
  orders: {
    paid: number
    paidFen: number
    voided: number
    voidedFen: number
    friendPaid: number
    friendPaidFen: number
  }
}

/** Which wallet a channel account belongs to: `clearing:<wallet>:<account>`, or cash for a drawer. */
function walletOfAccount(account: string): string | null {
  if (account.startsWith('drawer:')) return 'cash'
  if (account.startsWith('clearing:')) return account.split(':')[1] ?? null
  return null
}

/** Per payment method, from the journal: what this till took, gave back and paid in fees between two instants. */
export function methodFigures(db: Database, tillId: string | null, from: number, to: number): MethodFigures[] {
  const rows = prepared(
    db,
    `SELECT t.kind, e.account, COUNT(DISTINCT t.id) AS n, SUM(e.amount_fen) AS fen
     FROM journal_transactions t JOIN journal_entries e ON e.txn_id = t.id
     WHERE t.at >= @from AND t.at < @to AND (@tillId IS NULL OR t.till_id = @tillId)
       AND (e.account LIKE 'clearing:%' OR e.account LIKE 'drawer:%')
     GROUP BY t.kind, e.account`,
  ).all({ tillId, from, to }) as { kind: string; account: string; n: number; fen: number }[]
  const byWallet = new Map<string, MethodFigures>()
  for (const row of rows) {
    const wallet = walletOfAccount(row.account)
    if (wallet === null || !['payment', 'fee', 'refund', 'automatic_refund'].includes(row.kind)) continue
    const figures = byWallet.get(wallet) ?? {
      ...{ wallet, payments: 0, receivedFen: 0, refunds: 0, refundedFen: 0, feesFen: 0, netFen: 0 },
    }
    if (row.kind === 'payment') {
      figures.payments += row.n
      figures.receivedFen += row.fen
    } else if (row.kind === 'fee') figures.feesFen -= row.fen
    else {
      figures.refunds += row.n
      figures.refundedFen -= row.fen
    }
    figures.netFen = figures.receivedFen - figures.refundedFen - figures.feesFen
    byWallet.set(wallet, figures)
  }
  return [...byWallet.values()].sort((a, b) => b.receivedFen - a.receivedFen)
}

function orderFigures(db: Database, tillId: string, from: number, to: number): ShiftReportData['orders'] {
  const row = prepared(
    db,
    `SELECT
       SUM(o.status = 'paid') AS paid, COALESCE(SUM(CASE WHEN o.status = 'paid' THEN o.total_fen END), 0) AS paid_fen,
       SUM(o.status = 'cancelled') AS voided,
       COALESCE(SUM(CASE WHEN o.status = 'cancelled' THEN o.total_fen END), 0) AS voided_fen,
       SUM(a.friend_pay_id IS NOT NULL) AS friend_paid,
       COALESCE(SUM(CASE WHEN a.friend_pay_id IS NOT NULL THEN o.total_fen END), 0) AS friend_paid_fen
     FROM orders o LEFT JOIN payment_attempts a ON a.id = o.paid_attempt_id
     WHERE o.created_at >= @from AND o.created_at < @to AND o.till_id = @tillId`,
  ).get({ tillId, from, to }) as Record<string, number | null>
  return {
    paid: row.paid ?? 0,
    paidFen: row.paid_fen ?? 0,
    voided: row.voided ?? 0,
    voidedFen: row.voided_fen ?? 0,
    friendPaid: row.friend_paid ?? 0,
    friendPaidFen: row.friend_paid_fen ?? 0,
  }
}

/** The handover figures of a shift: the drawer's cash, each payment method, and the orders rung up. */
export function shiftReport(db: Database, shift: ShiftRow, now: number): ShiftReportData {
  const to = shift.closed_at ?? now + 1
  const sum = (kind: string) =>
    listMovements(db, shift.id)
      .filter((m) => m.kind === kind)
      .reduce((total, m) => total + m.amount_fen, 0)
  return {
    cash: {
      openingFloatFen: shift.opening_float_fen,
      salesFen: sum('sale'),
      refundsFen: -sum('refund'),
      cashInFen: sum('in'),
      cashOutFen: -sum('out'),
      expectedFen: shift.expected_cash_fen ?? expectedCash(db, shift.id),
      countedFen: shift.counted_cash_fen,
      differenceFen: shift.difference_fen,
    },
    methods: methodFigures(db, shift.till_id, shift.opened_at, to),
    orders: orderFigures(db, shift.till_id, shift.opened_at, to),
  }
}
