import type { Database } from 'better-sqlite3'
import { prepared } from '../db/prepared'
import { channelFigures, methodFigures } from '../ledger/figures'
import { expectedCash, listMovements, type ShiftRow } from './queries'

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
  methods: ReturnType<typeof methodFigures>
  orders: {
    paid: number
    paidFen: number
    voided: number
    voidedFen: number
    friendPaid: number
    friendPaidFen: number
  }
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
    methods: methodFigures(channelFigures(db, { start: shift.opened_at, end: to, tillId: shift.till_id })),
    orders: orderFigures(db, shift.till_id, shift.opened_at, to),
  }
}
