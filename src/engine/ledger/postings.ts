import type { Database } from 'better-sqlite3'
import type { EngineEvent } from '../../shared/api/types'
import { getOrderRow } from '../orders/queries'
import { getAttemptRow, type AttemptRow } from '../payments/queries'
import { getRefundRow } from '../payments/refundQueries'
import { insertMovement, openShiftOf } from '../shifts/queries'
import { currentActor } from '../staff/principal'
import type { IdPrefix } from '../ids'
import { ACCOUNTS, channelAccount, feesAccount } from './accounts'
import { postAll, type JournalTransaction } from './journal'

/** The journal's side of the event log: a hook on each event appended, and one at the end of each unit of work. */
export interface Postings {
  onAppend(event: EngineEvent, at: number): void
  onUnitEnd(completed: boolean): void
}

/**
 * The posting rules: every event that moves money is posted to the journal in the unit of work that appends it, so
 * the books and the journal can never disagree. Money received first sits in `unapplied`; a sale takes it from there;
 * a merchant refund is booked against `refunds`, an automatic one gives back what sat in `unapplied`.
 *
 * A payment's transactions wait for the next posting of their unit, or its end: the sale that follows a payment in
 * the same unit is then written with it, two statements instead of four a checkout. Nothing reads the journal
 * inside a unit between the two.
 */
export function createPostings(db: Database, newId: (prefix: IdPrefix) => string): Postings {
  let held: JournalTransaction[] = []
  const post = (txns: JournalTransaction[]) => {
    const all = held.length ? held.concat(txns) : txns
    held = []
    if (all.length) postAll(db, all)
  }
  return {
    onAppend(event, at) {
      switch (event.type) {
        case 'payment.succeeded': {
          const attempt = attemptOf(db, event.attemptId)
          held = held.concat(received(db, newId, attempt, attempt.amount_fen, at, null))
          return
        }
        case 'order.paid':
          return post([sale(db, event.orderId, at)])
        case 'refund.created':
          // Money that arrived on a payment that never succeeded (a late or mismatched payment) is taken in here,
          // when we decide to give it back; a retry gives back the same money again, already taken in.
          if (event.data.kind === 'merchant' || event.data.retryOf !== undefined) return
          return post(arrivedForRefund(db, newId, event.attemptId, event.data.amountFen, event.data.refundId, at))
        case 'refund.succeeded':
          return post([refunded(db, newId, event.data.refundId, at)])
        default:
          return
      }
    },
    onUnitEnd(completed) {
      if (completed) post([])
      else held = []
    },
  }
}

function attemptOf(db: Database, id: string | null): AttemptRow {
  const attempt = id === null ? null : getAttemptRow(db, id)
  if (!attempt) throw new Error(`posting: no payment ${id}`)
  return attempt
}

function received(
  db: Database,
  newId: (prefix: IdPrefix) => string,
  attempt: AttemptRow,
  amountFen: number,
  at: number,
  refundId: string | null,
): JournalTransaction[] {
  // A QR payment succeeds when the wallet says so, outside any request: it belongs to who rang it up, and where.
  const actor = currentActor()
  const order = getOrderRow(db, attempt.order_id)
  const staffId = order?.staff_id ?? actor.staffId
  const tillId = order?.till_id ?? actor.tillId
  const channel = channelAccount(attempt, tillId)
  const orderId = attempt.order_id
  const attemptId = attempt.id
  const txns: JournalTransaction[] = [
    {
      kind: 'payment',
      at,
      orderId,
      attemptId,
      staffId,
      tillId,
      refundId,
      entries: [
        { account: channel, amountFen },
        { account: ACCOUNTS.unapplied, amountFen: -amountFen },
      ],
    },
  ]
  const fee = attempt.merchant_fee_fen ?? 0
  if (fee > 0 && refundId === null) {
    txns.push({
      kind: 'fee',
      at,
      orderId,
      attemptId,
      staffId,
      tillId,
      entries: [
        { account: feesAccount(attempt.wallet), amountFen: fee },
        { account: channel, amountFen: -fee },
      ],
    })
  }
  if (attempt.wallet === 'cash') intoDrawer(db, newId, tillId, { kind: 'sale', amountFen, attemptId: attempt.id }, at)
  return txns
}

function sale(db: Database, orderId: string | null, at: number): JournalTransaction {
  const order = orderId === null ? null : getOrderRow(db, orderId)
  if (!order) throw new Error(`posting: no order ${orderId}`)
  return {
    kind: 'sale',
    at,
    orderId: order.id,
    attemptId: order.paid_attempt_id,
    staffId: order.staff_id ?? currentActor().staffId,
    tillId: order.till_id ?? currentActor().tillId,
    entries: [
      { account: ACCOUNTS.unapplied, amountFen: order.total_fen },
      { account: ACCOUNTS.sales, amountFen: -order.total_fen },
    ],
  }
}

function arrivedForRefund(
  db: Database,
  newId: (prefix: IdPrefix) => string,
  attemptId: string | null,
  amountFen: number,
  refundId: string,
  at: number,
): JournalTransaction[] {
  const attempt = attemptOf(db, attemptId)
  if (attempt.status === 'succeeded') return []
  return received(db, newId, attempt, amountFen, at, refundId)
}

function refunded(db: Database, newId: (prefix: IdPrefix) => string, refundId: string, at: number): JournalTransaction {
  const refund = getRefundRow(db, refundId)
  if (!refund) throw new Error(`posting: no refund ${refundId}`)
  const attempt = attemptOf(db, refund.attempt_id)
  // Refunded where it is asked for (cash leaves that drawer); one the sweep completes counts for who asked for it
  // and the order's till.
  const actor = currentActor()
  const staffId = actor.staffId ?? refund.staff_id
  const tillId = actor.tillId ?? getOrderRow(db, refund.order_id)?.till_id ?? null
  const merchant = refund.kind === 'merchant'
  const txn: JournalTransaction = {
    kind: merchant ? 'refund' : 'automatic_refund',
    at,
    orderId: refund.order_id,
    attemptId: refund.attempt_id,
    refundId: refund.id,
    staffId,
    tillId,
    entries: [
      { account: merchant ? ACCOUNTS.refunds : ACCOUNTS.unapplied, amountFen: refund.amount_fen },
      { account: channelAccount(attempt, tillId), amountFen: -refund.amount_fen },
    ],
  }
  if (attempt.wallet === 'cash') {
    intoDrawer(db, newId, tillId, { kind: 'refund', amountFen: -refund.amount_fen, refundId: refund.id }, at)
  }
  return txn
}

/** Cash in or out of a till's drawer is a movement of its open shift (none when no shift is open). */
function intoDrawer(
  db: Database,
  newId: (prefix: IdPrefix) => string,
  tillId: string | null,
  movement: { kind: 'sale' | 'refund'; amountFen: number; attemptId?: string; refundId?: string },
  at: number,
): void {
  const shift = tillId === null ? null : openShiftOf(db, tillId)
  if (!shift) return
  insertMovement(
    db,
    {
      id: newId('cmv'),
      shift_id: shift.id,
      kind: movement.kind,
      amount_fen: movement.amountFen,
      reason: null,
      attempt_id: movement.attemptId ?? null,
      refund_id: movement.refundId ?? null,
      staff_id: currentActor().staffId,
    },
    at,
  )
}
