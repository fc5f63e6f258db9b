import BetterSqlite3, { type Database } from 'better-sqlite3'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Claim } from './workload.mjs'

export const MERCHANT_FILE = 'hutong.sqlite'
export const WALLET_FILE = 'simulator.sqlite'

interface AttemptRow {
  id: string
  order_id: string
  wallet: string
  method: string
  provider: string
  status: string
  amount_fen: number
  friend_pay_id: string | null
}

interface OrderRow {
  id: string
  status: string
  total_fen: number
  paid_attempt_id: string | null
}

interface RefundRow {
  id: string
  order_id: string
  attempt_id: string
  amount_fen: number
  reason: string
  status: string
  last_error: string | null
}

interface FriendPayRow {
  id: string
  order_id: string
  status: string
  amount_fen: number
  paid_attempt_id: string | null
}

interface TradeRow {
  out_trade_no: string
  amount_fen: number
  page_token: string
  state: string
  kind: string
  confirm_at: number | null
}

interface WalletRefundRow {
  out_refund_no: string
  out_trade_no: string
  amount_fen: number
}

export interface BookFigures {
  orders: Record<string, number>
  attempts: Record<string, number>
  /** Trades the wallet holds as paid, and how many of them were given back. */
  paidTrades: number
  refundedTrades: number
  refunds: number
  refundedFen: number
  refundReasons: Record<string, number>
  /** How payments ended, from the event log: closed, reversed or failed, by reason; late successes. */
  endings: Record<string, number>
  friendPay: Record<string, number>
  claimsChecked: number
}

function openReadonly(file: string): Database {
  return new BetterSqlite3(file, { readonly: true, fileMustExist: true })
}

function countBy<T>(rows: T[], key: (row: T) => string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const row of rows) out[key(row)] = (out[key(row)] ?? 0) + 1
  return out
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const row of rows) {
    const list = out.get(key(row))
    if (list) list.push(row)
    else out.set(key(row), [row])
  }
  return out
}

/** `PRAGMA integrity_check` and `foreign_key_check` of one database file. */
export function integrityProblems(file: string, label: string): string[] {
  if (!existsSync(file)) return [`${label}: ${file} is missing`]
  let db: Database
  try {
    db = openReadonly(file)
  } catch (error) {
    return [`${label}: cannot be opened: ${error instanceof Error ? error.message : String(error)}`]
  }
  try {
    const problems: string[] = []
    const integrity = db.pragma('integrity_check') as { integrity_check: string }[]
    const verdict = integrity.map((r) => r.integrity_check)
    if (verdict.length !== 1 || verdict[0] !== 'ok') problems.push(`${label}: integrity_check: ${verdict.join('; ')}`)
    const keys = db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[]
    for (const k of keys.slice(0, 10)) {
      problems.push(`${label}: foreign_key_check: ${k.table} row ${k.rowid} refers to a missing ${k.parent}`)
    }
    return problems
  } catch (error) {
    return [`${label}: cannot be checked: ${error instanceof Error ? error.message : String(error)}`]
  } finally {
    db.close()
  }
}

/** How much is still under way in the merchant's books: unfinished payment attempts and pending refunds. */
export function unsettled(dataDir: string): { attempts: number; refunds: number } {
  const db = openReadonly(join(dataDir, MERCHANT_FILE))
  try {
    return db
      .prepare(
        `SELECT (SELECT COUNT(*) FROM payment_attempts WHERE status IN ('created', 'pending')) AS attempts,
                (SELECT COUNT(*) FROM refunds WHERE status = 'pending') AS refunds`,
      )
      .get() as { attempts: number; refunds: number }
  } finally {
    db.close()
  }
}

/**
 * Reads both books (the server stopped) and checks that money and answers survived every kill: each trade the
 * wallet holds as paid is recorded once at the merchant — paying its order, or given back — every acknowledged
 * answer still holds, nothing is left under way. Returns the violations found and the figures.
 */
export function checkBooks(dataDir: string, claims: Iterable<Claim>, now: number) {
  const violations: string[] = []
  const merchantFile = join(dataDir, MERCHANT_FILE)
  const walletFile = join(dataDir, WALLET_FILE)
  violations.push(...integrityProblems(merchantFile, 'merchant books'))
  violations.push(...integrityProblems(walletFile, 'wallet books'))

  const merchant = openReadonly(merchantFile)
  const wallet = openReadonly(walletFile)
  let attempts: AttemptRow[], orders: OrderRow[], refunds: RefundRow[], friendPay: FriendPayRow[]
  let aggregates: { id: string; order_id: string }[], trades: TradeRow[], walletRefunds: WalletRefundRow[]
  let endingRows: { ending: string; n: number }[]
  try {
    attempts = merchant.prepare('SELECT * FROM payment_attempts').all() as AttemptRow[]
    orders = merchant.prepare('SELECT * FROM orders').all() as OrderRow[]
    refunds = merchant.prepare('SELECT * FROM refunds').all() as RefundRow[]
    friendPay = merchant.prepare('SELECT * FROM friend_pay_requests').all() as FriendPayRow[]
    aggregates = merchant.prepare('SELECT id, order_id FROM aggregate_codes').all() as typeof aggregates
    endingRows = merchant
      .prepare(
        `SELECT type || ' ' || COALESCE(json_extract(data, '$.reason'), json_extract(data, '$.failureCode'), '') AS ending,
                COUNT(*) AS n
           FROM events WHERE type IN ('payment.closed', 'payment.reversed', 'payment.failed', 'payment.late_success')
          GROUP BY ending`,
      )
      .all() as typeof endingRows
    trades = wallet.prepare('SELECT * FROM sim_trades').all() as TradeRow[]
    walletRefunds = wallet.prepare('SELECT * FROM sim_refunds').all() as WalletRefundRow[]
  } finally {
    merchant.close()
    wallet.close()
  }

  const attemptById = new Map(attempts.map((a) => [a.id, a]))
  const orderById = new Map(orders.map((o) => [o.id, o]))
  const refundById = new Map(refunds.map((r) => [r.id, r]))
  const refundsByAttempt = groupBy(refunds, (r) => r.attempt_id)
  const attemptsByOrder = groupBy(attempts, (a) => a.order_id)
  const friendPayById = new Map(friendPay.map((f) => [f.id, f]))
  const aggregateById = new Map(aggregates.map((a) => [a.id, a]))
  const tradeByNo = new Map(trades.map((t) => [t.out_trade_no, t]))
  const tradeByToken = new Map(trades.map((t) => [t.page_token, t]))
  const walletRefundsByTrade = groupBy(walletRefunds, (r) => r.out_trade_no)
  const walletRefundByNo = new Map(walletRefunds.map((r) => [r.out_refund_no, r]))

  // A customer who was entering their password has paid once the wallet's confirm time has passed.
  const walletState = (trade: TradeRow): string =>
    trade.state === 'USERPAYING' && trade.confirm_at !== null && trade.confirm_at <= now ? 'SUCCESS' : trade.state
  const succeededRefunds = (attemptId: string): RefundRow[] =>
    (refundsByAttempt.get(attemptId) ?? []).filter((r) => r.status === 'succeeded')
  const keeps = (attempt: AttemptRow): boolean => {
    const order = orderById.get(attempt.order_id)
    return attempt.status === 'succeeded' && order?.status === 'paid' && order.paid_attempt_id === attempt.id
  }

  // Nothing left under way.
  for (const a of attempts) {
    if (a.status === 'created' || a.status === 'pending') {
      violations.push(`payment ${a.id} (${a.method} ${a.wallet}, order ${a.order_id}) is still ${a.status}`)
    }
  }
  for (const r of refunds) {
    if (r.status === 'pending') violations.push(`refund ${r.id} of payment ${r.attempt_id} is still pending`)
    if (r.status === 'failed' && !succeededRefunds(r.attempt_id).length) {
      violations.push(`refund ${r.id} of payment ${r.attempt_id} failed (${r.last_error}) and was not made since`)
    }
  }
  for (const t of trades) {
    if (walletState(t) === 'USERPAYING') {
      const a = attemptById.get(t.out_trade_no)
      violations.push(
        `the wallet still waits for the customer's password on ${t.out_trade_no} (merchant: ${a?.status ?? 'unknown'})`,
      )
    }
  }

  // Every trade the wallet holds as paid is recorded once at the merchant: it pays its order, or it was given back.
  let paidTrades = 0
  let refundedTrades = 0
  for (const t of trades) {
    if (walletState(t) !== 'SUCCESS') continue
    paidTrades++
    const attempt = attemptById.get(t.out_trade_no)
    const givenBack = (walletRefundsByTrade.get(t.out_trade_no) ?? []).reduce((sum, r) => sum + r.amount_fen, 0)
    if (givenBack > 0) refundedTrades++
    if (!attempt) {
      violations.push(
        `the wallet holds ${t.out_trade_no} as paid (${t.amount_fen} fen); the merchant has no such payment`,
      )
      continue
    }
    const order = orderById.get(attempt.order_id)
    const where = `${t.out_trade_no} (${attempt.method} ${attempt.wallet}, ${attempt.status}; order ${attempt.order_id} ${order?.status}, paid by ${order?.paid_attempt_id})`
    if (attempt.provider !== 'simulator')
      violations.push(`wallet trade ${where} belongs to provider ${attempt.provider}`)
    if (attempt.amount_fen !== t.amount_fen) {
      violations.push(`wallet trade ${where} took ${t.amount_fen} fen; the merchant asked ${attempt.amount_fen}`)
    }
    const refunded = succeededRefunds(attempt.id)
    const refundedFen = refunded.reduce((sum, r) => sum + r.amount_fen, 0)
    if (keeps(attempt)) {
      if (givenBack || refunded.length) {
        violations.push(
          `paid trade ${where} pays its order yet was given back ${givenBack} fen (merchant: ${refundedFen})`,
        )
      }
    } else if (refunded.length !== 1 || refundedFen !== t.amount_fen || givenBack !== t.amount_fen) {
      violations.push(
        `paid trade ${where} does not pay its order and was not given back exactly once: ` +
          `${refunded.length} refund(s) of ${refundedFen} fen at the merchant, ${givenBack} fen at the wallet`,
      )
    }
  }

  // Every payment the merchant holds as succeeded is money the wallet took (cash is the drawer's).
  for (const a of attempts) {
    if (a.status !== 'succeeded' || a.provider !== 'simulator') continue
    const t = tradeByNo.get(a.id)
    const state = t ? walletState(t) : 'NOT_FOUND'
    if (state !== 'SUCCESS')
      violations.push(`payment ${a.id} succeeded at the merchant; the wallet holds it as ${state}`)
  }

  // Orders: a paid order is paid by one succeeded payment of its total; any other money on it was given back.
  for (const o of orders) {
    if (o.status === 'paid') {
      const paid = o.paid_attempt_id ? attemptById.get(o.paid_attempt_id) : undefined
      if (!paid || paid.status !== 'succeeded' || paid.order_id !== o.id || paid.amount_fen !== o.total_fen) {
        violations.push(
          `order ${o.id} is paid by ${o.paid_attempt_id}, which is ${paid ? `${paid.status}, ${paid.amount_fen} fen of order ${paid.order_id}` : 'missing'}; total ${o.total_fen}`,
        )
      }
    }
    for (const a of attemptsByOrder.get(o.id) ?? []) {
      if (a.status !== 'succeeded' || keeps(a)) continue
      const refundedFen = succeededRefunds(a.id).reduce((sum, r) => sum + r.amount_fen, 0)
      if (refundedFen !== a.amount_fen) {
        violations.push(
          `order ${o.id} (${o.status}) keeps succeeded payment ${a.id} (${a.method} ${a.wallet}) besides ${o.paid_attempt_id ?? 'none'}: refunded ${refundedFen} of ${a.amount_fen} fen`,
        )
      }
    }
  }

  // Refunds: the merchant's and the wallet's books agree on every one.
  for (const r of refunds) {
    if (r.status !== 'succeeded') continue
    const w = walletRefundByNo.get(r.id)
    if (!w || w.out_trade_no !== r.attempt_id || w.amount_fen !== r.amount_fen) {
      violations.push(
        `refund ${r.id} of ${r.attempt_id} (${r.amount_fen} fen) succeeded at the merchant; the wallet holds ${w ? `${w.amount_fen} fen of ${w.out_trade_no}` : 'no such refund'}`,
      )
    }
  }
  for (const w of walletRefunds) {
    const r = refundById.get(w.out_refund_no)
    if (!r || r.status !== 'succeeded') {
      violations.push(
        `the wallet gave back ${w.amount_fen} fen of ${w.out_trade_no} under ${w.out_refund_no}; the merchant holds it as ${r?.status ?? 'unknown'}`,
      )
    }
  }

  // Friend pay follows its order.
  for (const f of friendPay) {
    const order = orderById.get(f.order_id)
    if (f.status === 'paid' && (order?.status !== 'paid' || order.paid_attempt_id !== f.paid_attempt_id)) {
      violations.push(
        `friend-pay ${f.id} is paid by ${f.paid_attempt_id}; its order ${f.order_id} is ${order?.status} by ${order?.paid_attempt_id}`,
      )
    }
    if (f.status === 'open' && order && order.status !== 'open' && order.status !== 'awaiting_payment') {
      violations.push(`friend-pay ${f.id} is still open; its order ${f.order_id} is ${order.status}`)
    }
  }

  // Every acknowledged answer still holds.
  let claimsChecked = 0
  for (const claim of claims) {
    claimsChecked++
    const problem = claimProblem(claim)
    if (problem) violations.push(`acknowledged ${claim.kind} ${JSON.stringify(claim)}: ${problem}`)
  }

  function claimProblem(claim: Claim): string | null {
    switch (claim.kind) {
      case 'order': {
        const o = orderById.get(claim.orderId)
        if (!o) return 'the order is missing'
        return o.total_fen === claim.totalFen ? null : `the total is now ${o.total_fen}`
      }
      case 'order-status': {
        const o = orderById.get(claim.orderId)
        return o?.status === claim.status ? null : `the order is now ${o?.status ?? 'missing'}`
      }
      case 'attempt': {
        const a = attemptById.get(claim.attemptId)
        if (!a) return 'the payment is missing'
        if (a.order_id !== claim.orderId || a.amount_fen !== claim.amountFen) {
          return `the payment is now ${a.amount_fen} fen of order ${a.order_id}`
        }
        return claim.status && a.status !== claim.status ? `the payment is now ${a.status}` : null
      }
      case 'wallet-paid': {
        const t = tradeByToken.get(claim.pageToken)
        if (!t) return 'the wallet has no such trade'
        if (walletState(t) !== 'SUCCESS') return `the wallet holds ${t.out_trade_no} as ${t.state}`
        return t.amount_fen === claim.amountFen ? null : `the wallet took ${t.amount_fen} fen`
      }
      case 'aggregate': {
        const g = aggregateById.get(claim.id)
        return g?.order_id === claim.orderId ? null : 'the code is missing'
      }
      case 'friend-pay': {
        const f = friendPayById.get(claim.id)
        if (!f) return 'the request is missing'
        if (f.order_id !== claim.orderId || f.amount_fen !== claim.amountFen) {
          return `the request is now ${f.amount_fen} fen of order ${f.order_id}`
        }
        return claim.status && f.status !== claim.status ? `the request is now ${f.status}` : null
      }
      case 'refund': {
        const r = refundById.get(claim.refundId)
        if (!r) return 'the refund is missing'
        if (r.attempt_id !== claim.attemptId || r.amount_fen !== claim.amountFen) {
          return `the refund is now ${r.amount_fen} fen of ${r.attempt_id}`
        }
        return r.status === 'succeeded' ? null : `the refund is now ${r.status}`
      }
    }
  }

  const succeeded = refunds.filter((r) => r.status === 'succeeded')
  const figures: BookFigures = {
    orders: countBy(orders, (o) => o.status),
    attempts: countBy(attempts, (a) => a.status),
    paidTrades,
    refundedTrades,
    refunds: succeeded.length,
    refundedFen: succeeded.reduce((sum, r) => sum + r.amount_fen, 0),
    refundReasons: countBy(succeeded, (r) => r.reason),
    endings: Object.fromEntries(endingRows.map((r) => [r.ending.replace(/^payment\./, '').trim(), r.n])),
    friendPay: countBy(friendPay, (f) => f.status),
    claimsChecked,
  }
  return { violations, figures }
}
