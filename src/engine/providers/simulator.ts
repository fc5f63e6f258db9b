import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Database } from 'better-sqlite3'
import { EngineError } from '../../shared/errors'
import { WALLETS, type PaymentMethod, type WalletId } from '../../shared/wallets'
import type { Clock } from '../clock'
import { newSecretToken } from '../ids'
import type {
  CreateQrRequest,
  IncomingNotification,
  PaymentProvider,
  ProviderRefund,
  ProviderTrade,
  RefundRequest,
  TradeState,
} from './types'

/** What happens when the customer presses the confirm button on the simulator's wallet page. */
export const SIMULATOR_OUTCOMES = ['succeed', 'succeed_silently', 'decline'] as const
export type SimulatorOutcome = (typeof SIMULATOR_OUTCOMES)[number]

export const SIMULATED_WALLETS: readonly WalletId[] = ['wechat', 'alipay']

/** Notifications older than this are refused as replays. */
const NOTIFICATION_MAX_AGE_MS = 5 * 60 * 1000

interface TradeRow {
  out_trade_no: string
  wallet: WalletId
  amount_fen: number
  description: string
  page_token: string
  state: Exclude<TradeState, 'NOT_FOUND'>
  transaction_id: string | null
  outcome: SimulatorOutcome
  expires_at: number
  created_at: number
  paid_at: number | null
  closed_at: number | null
}

export interface SimulatorPageView {
  outTradeNo: string
  wallet: WalletId
  amountFen: number
  description: string
  state: TradeRow['state']
  expiresAt: number
  expired: boolean
}

export type ConfirmResult = 'paid' | 'declined' | 'already_paid' | 'closed' | 'expired'

export interface SimulatorOptions {
  db: Database
  clock: Clock
  /** HMAC key the simulator signs its notifications with (kept in the engine's settings). */
  secret: string
  /** Base URL of the engine's server as a phone reaches it; read at QR creation time. */
  publicBaseUrl: () => string
  /** Where the simulator posts its payment notifications (the engine's notification entry point). */
  deliverNotification: (notification: IncomingNotification) => Promise<void>
  defaultOutcome?: SimulatorOutcome
}

export interface SimulatorProvider extends PaymentProvider {
  pageView(pageToken: string): SimulatorPageView | null
  confirm(pageToken: string): ConfirmResult
  setOutcome(outTradeNo: string, outcome: SimulatorOutcome): void
  /** Notification deliveries not yet finished (tests and shutdown wait for them). */
  idle(): Promise<void>
}

/**
 * The built-in wallet: keeps its own books (sim_trades), serves a wallet-like page on the
 * console's LAN server, and reports payments through a signed notification and through query —
 * the same two paths a real wallet uses.
 */
export function createSimulatorProvider(options: SimulatorOptions): SimulatorProvider {
  const { db, clock, secret } = options
  const inFlight = new Set<Promise<void>>()
  const select = db.prepare('SELECT * FROM sim_trades WHERE out_trade_no = ?')
  const selectByToken = db.prepare('SELECT * FROM sim_trades WHERE page_token = ?')

  function getTrade(outTradeNo: string): TradeRow | null {
    return (select.get(outTradeNo) as TradeRow | undefined) ?? null
  }

  function toTrade(row: TradeRow | null, outTradeNo: string): ProviderTrade {
    if (!row) return { outTradeNo, state: 'NOT_FOUND', amountFen: null, providerTradeNo: null, paidAt: null }
    return {
      outTradeNo: row.out_trade_no,
      state: row.state,
      amountFen: row.amount_fen,
      providerTradeNo: row.transaction_id,
      paidAt: row.paid_at,
    }
  }

  function sign(timestamp: string, nonce: string, body: string): string {
    return createHmac('sha256', secret).update(`${timestamp}\n${nonce}\n${body}\n`).digest('base64')
  }

  function notify(row: TradeRow): void {
    const body = JSON.stringify({
      event_type: row.state === 'SUCCESS' ? 'TRANSACTION.SUCCESS' : 'TRANSACTION.FAIL',
      resource: {
        out_trade_no: row.out_trade_no,
        trade_state: row.state,
        amount_fen: row.amount_fen,
        transaction_id: row.transaction_id,
        success_time: row.paid_at,
      },
    })
    const timestamp = String(Math.floor(clock.now() / 1000))
    const nonce = newSecretToken(12)
    const delivery = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() =>
        options.deliverNotification({
          headers: {
            'x-sim-timestamp': timestamp,
            'x-sim-nonce': nonce,
            'x-sim-signature': sign(timestamp, nonce, body),
          },
          body,
        }),
      )
      .catch(() => {
        // A lost notification is not lost money: the engine's query sweep finds the trade.
      })
    inFlight.add(delivery)
    void delivery.finally(() => inFlight.delete(delivery))
  }

  const provider: SimulatorProvider = {
    key: 'simulator',
    mode: 'simulator',

    supports(wallet: WalletId, method: PaymentMethod) {
      return SIMULATED_WALLETS.includes(wallet) && method === 'qr'
    },

    async createQr(request: CreateQrRequest) {
      const existing = getTrade(request.outTradeNo)
      const pageToken = existing?.page_token ?? newSecretToken()
      if (!existing) {
        db.prepare(
          `INSERT INTO sim_trades (out_trade_no, wallet, amount_fen, description, page_token, state, outcome, expires_at, created_at)
           VALUES (?, ?, ?, ?, ?, 'NOTPAY', ?, ?, ?)`,
        ).run(
          request.outTradeNo,
          request.wallet,
          request.amountFen,
          request.description,
          pageToken,
          options.defaultOutcome ?? 'succeed',
          request.expiresAt,
          clock.now(),
        )
      } else if (existing.amount_fen !== request.amountFen) {
        throw new EngineError('IDEMPOTENCY_CONFLICT', 'out_trade_no reused with a different amount')
      }
      return { qrContent: `${options.publicBaseUrl()}/sim/pay/${pageToken}` }
    },

    async query(outTradeNo) {
      return toTrade(getTrade(outTradeNo), outTradeNo)
    },

    async close(outTradeNo) {
      db.prepare(
        "UPDATE sim_trades SET state = 'CLOSED', closed_at = ? WHERE out_trade_no = ? AND state IN ('NOTPAY', 'PAYERROR')",
      ).run(clock.now(), outTradeNo)
      return toTrade(getTrade(outTradeNo), outTradeNo)
    },

    async refund(request: RefundRequest): Promise<ProviderRefund> {
      return db.transaction((): ProviderRefund => {
        const existing = db.prepare('SELECT * FROM sim_refunds WHERE out_refund_no = ?').get(request.outRefundNo) as
          | { amount_fen: number; refund_id: string }
          | undefined
        if (existing) {
          return { outRefundNo: request.outRefundNo, state: 'SUCCESS', amountFen: existing.amount_fen, providerRefundNo: existing.refund_id }
        }
        const trade = getTrade(request.outTradeNo)
        if (!trade || trade.state !== 'SUCCESS') {
          throw new EngineError('PROVIDER_ERROR', 'the trade is not paid, nothing to refund')
        }
        const refunded = (
          db.prepare('SELECT COALESCE(SUM(amount_fen), 0) AS total FROM sim_refunds WHERE out_trade_no = ?').get(
            request.outTradeNo,
          ) as { total: number }
        ).total
        if (request.amountFen < 1 || refunded + request.amountFen > trade.amount_fen) {
          throw new EngineError('AMOUNT_OUT_OF_RANGE', 'refund exceeds the amount paid')
        }
        const refundId = `simr_${newSecretToken(9)}`
        db.prepare(
          'INSERT INTO sim_refunds (out_refund_no, out_trade_no, amount_fen, refund_id, created_at) VALUES (?, ?, ?, ?, ?)',
        ).run(request.outRefundNo, request.outTradeNo, request.amountFen, refundId, clock.now())
        return { outRefundNo: request.outRefundNo, state: 'SUCCESS', amountFen: request.amountFen, providerRefundNo: refundId }
      })()
    },

    async queryRefund(outRefundNo) {
      const row = db.prepare('SELECT * FROM sim_refunds WHERE out_refund_no = ?').get(outRefundNo) as
        | { amount_fen: number; refund_id: string }
        | undefined
      if (!row) throw new EngineError('NOT_FOUND', 'no such refund')
      return { outRefundNo, state: 'SUCCESS', amountFen: row.amount_fen, providerRefundNo: row.refund_id }
    },

    async parseNotification(notification: IncomingNotification) {
      const timestamp = notification.headers['x-sim-timestamp'] ?? ''
      const nonce = notification.headers['x-sim-nonce'] ?? ''
      const signature = notification.headers['x-sim-signature'] ?? ''
      const expected = Buffer.from(sign(timestamp, nonce, notification.body))
      const given = Buffer.from(signature)
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new EngineError('NOTIFICATION_REJECTED', 'notification signature does not verify')
      }
      const ageMs = Math.abs(clock.now() - Number(timestamp) * 1000)
      if (!Number.isFinite(ageMs) || ageMs > NOTIFICATION_MAX_AGE_MS) {
        throw new EngineError('NOTIFICATION_REJECTED', 'notification timestamp outside the accepted window')
      }
      let parsed: { resource?: { out_trade_no?: unknown } }
      try {
        parsed = JSON.parse(notification.body) as typeof parsed
      } catch {
        throw new EngineError('NOTIFICATION_REJECTED', 'notification body is not JSON')
      }
      const outTradeNo = parsed.resource?.out_trade_no
      if (typeof outTradeNo !== 'string') throw new EngineError('NOTIFICATION_REJECTED', 'notification names no trade')
      // Trust the signed notification only as a hint: the wallet's books are the truth, as a query would return.
      return toTrade(getTrade(outTradeNo), outTradeNo)
    },

    pageView(pageToken) {
      const row = (selectByToken.get(pageToken) as TradeRow | undefined) ?? null
      if (!row) return null
      return {
        outTradeNo: row.out_trade_no,
        wallet: row.wallet,
        amountFen: row.amount_fen,
        description: row.description,
        state: row.state,
        expiresAt: row.expires_at,
        expired: clock.now() >= row.expires_at,
      }
    },

    confirm(pageToken) {
      const row = (selectByToken.get(pageToken) as TradeRow | undefined) ?? null
      if (!row) throw new EngineError('NOT_FOUND', 'no such trade')
      if (row.state === 'SUCCESS') return 'already_paid'
      if (row.state === 'CLOSED') return 'closed'
      if (clock.now() >= row.expires_at) return 'expired'
      const now = clock.now()
      if (row.outcome === 'decline') {
        db.prepare("UPDATE sim_trades SET state = 'PAYERROR' WHERE out_trade_no = ? AND state = 'NOTPAY'").run(
          row.out_trade_no,
        )
        notify(getTrade(row.out_trade_no)!)
        return 'declined'
      }
      const transactionId = `sim${WALLETS[row.wallet].id}${newSecretToken(9)}`
      const changed = db
        .prepare(
          "UPDATE sim_trades SET state = 'SUCCESS', paid_at = ?, transaction_id = ? WHERE out_trade_no = ? AND state IN ('NOTPAY', 'USERPAYING', 'PAYERROR')",
        )
        .run(now, transactionId, row.out_trade_no).changes
      if (changed !== 1) return 'already_paid'
      if (row.outcome === 'succeed') notify(getTrade(row.out_trade_no)!)
      return 'paid'
    },

    setOutcome(outTradeNo, outcome) {
      const changed = db.prepare('UPDATE sim_trades SET outcome = ? WHERE out_trade_no = ?').run(outcome, outTradeNo).changes
      if (changed !== 1) throw new EngineError('PAYMENT_NOT_FOUND', `no simulator trade ${outTradeNo}`)
    },

    async idle() {
      while (inFlight.size) await Promise.all([...inFlight])
    },
  }
  return provider
}
