import type { Database } from 'better-sqlite3'
import type { DiscrepancyKind } from '../../shared/api/reconciliationSchemas'
import type { BillEntry, BillLine } from './bills/types'
import { knownAttempt, knownRefund, type OurPayment, type OurRefund } from './ours'

/** What differs on one line (or one record of ours), before it is stored or put in words. */
export interface Finding {
  kind: DiscrepancyKind
  subject: 'payment' | 'refund'
  outTradeNo: string | null
  outRefundNo: string | null
  orderId: string | null
  oursFen: number | null
  theirsFen: number | null
  facts: Record<string, string | number | boolean | null>
}

export interface BillTotalsFigures {
  trades: number
  refunds: number
  paidFen: number
  refundedFen: number
  feesFen: number
}

export interface MatchResult {
  matchedCount: number
  findings: Finding[]
  bill: BillTotalsFigures
}

interface Books {
  db: Database
  payments: Map<string, OurPayment>
  refunds: Map<string, OurRefund>
}

/**
 * Walks the bill once, line by line (it is never held whole), ticking off our payments and refunds of the day;
 * whatever of ours is left unticked at the end is missing at the wallet.
 */
export async function matchBill(books: Books, batches: AsyncIterable<BillEntry[]>): Promise<MatchResult> {
  const findings: Finding[] = []
  const bill: BillTotalsFigures = { trades: 0, refunds: 0, paidFen: 0, refundedFen: 0, feesFen: 0 }
  let matchedCount = 0
  for await (const entries of batches) {
    for (const entry of entries) {
      if (entry.type !== 'line') continue
      count(bill, entry)
      const finding = entry.kind === 'payment' ? matchPayment(books, entry) : matchRefund(books, entry)
      if (finding) findings.push(finding)
      else matchedCount += 1
    }
  }
  findings.push(...leftOver(books))
  return { matchedCount, findings, bill }
}

function count(bill: BillTotalsFigures, line: BillLine): void {
  if (line.kind === 'payment') {
    bill.trades += 1
    bill.paidFen += line.amountFen
  } else {
    bill.refunds += 1
    bill.refundedFen += line.amountFen
  }
  bill.feesFen += line.feeFen
}

function matchPayment(books: Books, line: BillLine): Finding | null {
  const ours = books.payments.get(line.outTradeNo)
  if (!ours || ours.ticked) return unmatchedPayment(books, line, ours?.ticked === true)
  // Ticked rather than deleted: a hundred thousand deletions from the map cost more than the flag.
  ours.ticked = true
  const ourFee = ours.feeFen ?? 0
  const otherAccount = ours.merchantId !== null && line.merchantId !== null && ours.merchantId !== line.merchantId
  // Most lines agree: nothing is built for them.
  if (ours.amountFen === line.amountFen && !otherAccount && ourFee === line.feeFen) return null
  const found = {
    subject: 'payment' as const,
    outTradeNo: line.outTradeNo,
    outRefundNo: null,
    orderId: ours.orderId,
    oursFen: ours.amountFen,
    theirsFen: line.amountFen,
  }
  if (ours.amountFen !== line.amountFen) return { ...found, kind: 'amount_mismatch', facts: {} }
  if (otherAccount) {
    const facts = { ourMerchantId: ours.merchantId, theirMerchantId: line.merchantId }
    return { ...found, kind: 'other_account', facts }
  }
  return { ...found, kind: 'fee_mismatch', oursFen: ourFee, theirsFen: line.feeFen, facts: {} }
}

/** Paid at the wallet, but not among our day's successes: another day's success, or money we never booked. */
function unmatchedPayment(books: Books, line: BillLine, duplicate: boolean): Finding | null {
  const known = knownAttempt(books.db, line.outTradeNo)
  if (known && known.status === 'succeeded' && !duplicate) {
    // Booked here on the neighbouring day (a payment at midnight): the money is accounted for.
    return known.amountFen === line.amountFen
      ? null
      : {
          kind: 'amount_mismatch',
          subject: 'payment',
          outTradeNo: line.outTradeNo,
          outRefundNo: null,
          orderId: known.orderId,
          oursFen: known.amountFen,
          theirsFen: line.amountFen,
          facts: {},
        }
  }
  const spare =
    known !== null &&
    (known.orderStatus === 'cancelled' ||
      known.orderStatus === 'expired' ||
      (known.orderPaidBy ?? known.id) !== known.id)
  return {
    kind: 'missing_here',
    subject: 'payment',
    outTradeNo: line.outTradeNo,
    outRefundNo: null,
    orderId: known?.orderId ?? null,
    oursFen: null,
    theirsFen: line.amountFen,
    facts: {
      known: known !== null,
      duplicate,
      attemptStatus: known?.status ?? null,
      orderStatus: known?.orderStatus ?? null,
      spare,
      merchantId: line.merchantId,
    },
  }
}

function matchRefund(books: Books, line: BillLine): Finding | null {
  const outRefundNo = line.outRefundNo ?? ''
  const base = { subject: 'refund' as const, outTradeNo: line.outTradeNo, outRefundNo, theirsFen: line.amountFen }
  const ours = books.refunds.get(outRefundNo)
  if (ours && !ours.ticked) {
    ours.ticked = true
    if (ours.amountFen === line.amountFen) return null
    return { ...base, kind: 'amount_mismatch', orderId: ours.orderId, oursFen: ours.amountFen, facts: {} }
  }
  const known = outRefundNo === '' ? null : knownRefund(books.db, outRefundNo)
  if (known && known.status === 'succeeded' && !ours?.ticked) {
    if (known.amountFen === line.amountFen) return null
    return { ...base, kind: 'amount_mismatch', orderId: known.orderId, oursFen: known.amountFen, facts: {} }
  }
  if (known) {
    // Refunded at the wallet; here it is still under way, or was given up.
    return {
      ...base,
      kind: 'status_mismatch',
      orderId: known.orderId,
      oursFen: known.amountFen,
      facts: { refundStatus: known.status },
    }
  }
  const trade = knownAttempt(books.db, line.outTradeNo)
  return {
    ...base,
    kind: trade ? 'status_mismatch' : 'missing_here',
    orderId: trade?.orderId ?? null,
    oursFen: null,
    facts: { refundKnown: false, tradeKnown: trade !== null },
  }
}

/** Ours, ticked by no line of the bill. */
function leftOver(books: Books): Finding[] {
  const findings: Finding[] = []
  for (const payment of books.payments.values()) {
    if (payment.ticked) continue
    findings.push({
      kind: 'missing_at_wallet',
      subject: 'payment',
      outTradeNo: payment.id,
      outRefundNo: null,
      orderId: payment.orderId,
      oursFen: payment.amountFen,
      theirsFen: null,
      facts: {},
    })
  }
  for (const refund of books.refunds.values()) {
    if (refund.ticked) continue
    findings.push({
      kind: 'missing_at_wallet',
      subject: 'refund',
      outTradeNo: refund.attemptId,
      outRefundNo: refund.id,
      orderId: refund.orderId,
      oursFen: refund.amountFen,
      theirsFen: null,
      facts: {},
    })
  }
  return findings
}
