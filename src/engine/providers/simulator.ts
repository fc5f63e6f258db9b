import { prepared } from '../db/prepared'
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Database } from 'better-sqlite3'
import { EngineError } from '../../shared/errors'
import { WALLET_IDS, WALLET_METHODS, type PaymentMethod, type WalletId } from '../../shared/wallets'
import type { Clock } from '../clock'
import { createCommitGroups } from '../db/commitGroups'
import { newSecretToken } from '../ids'
import type {
  CodePayRequest,
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

export const SIMULATED_WALLETS: readonly WalletId[] = WALLET_IDS.filter((w) => w !== 'cash')

/**
 * Test payment codes, by their last four digits (like a card network's test numbers):
 * 0001 asks the customer for a password and succeeds after PASSWORD_DELAY_MS; 0002 asks and never
 * confirms (the console times out and reverses); 0003 is declined; anything else succeeds at once.
 */
export const SIMULATOR_CODE_SUFFIXES = {
  passwordThenPay: '0001',
  passwordNeverConfirmed: '0002',
  declined: '0003',
} as const
export const PASSWORD_DELAY_MS = 5000

/** Notifications older than this are refused as replays. */
const NOTIFICATION_MAX_AGE_MS = 5 * 60 * 1000

interface TradeRow {
  out_trade_no: string
  wallet: WalletId
  amount_fen: number
  description: string
  page_token: string
  state: Exclude<TradeState, 'NOT_FOUND' | 'REVOKED'>
  kind: 'qr' | 'code'
  confirm_at: number | null
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
  /** The simulator's own books (the wallet side), for inspection in tests and demos. */
  readonly db: Database
  pageView(pageToken: string): SimulatorPageView | null
  confirm(pageToken: string): ConfirmResult
  setOutcome(outTradeNo: string, outcome: SimulatorOutcome): void
  /** Simulates a channel outage for one merchant account: new payments through it fail. */
  setAccountOutage(merchantId: string, down: boolean): void
  /** Simulates a lost answer: the next refund is made at the wallet, but the call fails. */
  loseNextRefundAnswer(): void
  /** Notification deliveries not yet finished (tests and shutdown wait for them). */
  idle(): Promise<void>
  /** Writes the wallet's books now (before closing them); rejects if that last commit failed. */
  flush(): Promise<void>
}

/**
 * The built-in wallet: keeps its own books (sim_trades), serves a wallet-like page on the
 * console's LAN server, and reports payments through a signed notification and through query —
 * the same two paths a real wallet uses.
 */
export function createSimulatorProvider(options: SimulatorOptions): SimulatorProvider {
  const { db, clock, secret } = options
  const inFlight = new Set<Promise<void>>()
  const accountsDown = new Set<string>()
  let loseRefundAnswer = false

  function assertChannelUp(merchantId: string | null): void {
    if (merchantId !== null && accountsDown.has(merchantId)) {
      throw new EngineError('PROVIDER_ERROR', `the wallet's channel for ${merchantId} is down`)
    }
  }
  // The wallet's books are written in groups too: it stands in for a remote wallet and must not cost the
  // checkout a commit of its own per call.
  const books = createCommitGroups(db)
  const select = prepared(db, 'SELECT * FROM sim_trades WHERE out_trade_no = ?')
  const selectByToken = prepared(db, 'SELECT * FROM sim_trades WHERE page_token = ?')

  /** The trade as the wallet sees it now: a customer who was entering their password may have finished. */
  function getTrade(outTradeNo: string): TradeRow | null {
    const row = (select.get(outTradeNo) as TradeRow | undefined) ?? null
    if (row?.state === 'USERPAYING' && row.confirm_at !== null && row.confirm_at <= clock.now()) {
      books.run(() =>
        prepared(
          db,
          "UPDATE sim_trades SET state = 'SUCCESS', paid_at = confirm_at, transaction_id = ? WHERE out_trade_no = ? AND state = 'USERPAYING'",
        ).run(newTransactionId(row.wallet), outTradeNo),
      )
      return (select.get(outTradeNo) as TradeRow | undefined) ?? null
    }
    return row
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
    // Like a real wallet, it notifies once its own books are written.
    const delivery = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => books.durable())
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

  /** The wallet's side of a refund: idempotent by out_refund_no, never more than was paid. */
  const refundInBooks = (request: RefundRequest): ProviderRefund =>
    books.run((): ProviderRefund => {
      const existing = prepared(db, 'SELECT * FROM sim_refunds WHERE out_refund_no = ?').get(request.outRefundNo) as
        { amount_fen: number; refund_id: string } | undefined
      if (existing) {
        return {
          outRefundNo: request.outRefundNo,
          state: 'SUCCESS',
          amountFen: existing.amount_fen,
          providerRefundNo: existing.refund_id,
        }
      }
      const trade = getTrade(request.outTradeNo)
      if (!trade || trade.state !== 'SUCCESS') {
        throw new EngineError('PROVIDER_ERROR', 'the trade is not paid, nothing to refund')
      }
      const refunded = (
        prepared(db, 'SELECT COALESCE(SUM(amount_fen), 0) AS total FROM sim_refunds WHERE out_trade_no = ?').get(
          request.outTradeNo,
        ) as { total: number }
      ).total
      if (request.amountFen < 1 || refunded + request.amountFen > trade.amount_fen) {
        throw new EngineError('AMOUNT_OUT_OF_RANGE', 'refund exceeds the amount paid')
      }
      const refundId = `simr_${newSecretToken(9)}`
      prepared(
        db,
        'INSERT INTO sim_refunds (out_refund_no, out_trade_no, amount_fen, refund_id, created_at) VALUES (?, ?, ?, ?, ?)',
      ).run(request.outRefundNo, request.outTradeNo, request.amountFen, refundId, clock.now())
      return {
        outRefundNo: request.outRefundNo,
        state: 'SUCCESS',
        amountFen: request.amountFen,
        providerRefundNo: refundId,
      }
    })

  const provider: SimulatorProvider = {
    db,
    key: 'simulator',
    mode: 'simulator',

    supports(wallet: WalletId, method: PaymentMethod) {
      return SIMULATED_WALLETS.includes(wallet) && WALLET_METHODS[wallet].includes(method)
    },

    async payWithCode(request: CodePayRequest) {
      assertChannelUp(request.merchantId)
      const existing = getTrade(request.outTradeNo)
      if (existing) return toTrade(existing, request.outTradeNo)
      const suffix = request.authCode.slice(-4)
      const now = clock.now()
      const state =
        suffix === SIMULATOR_CODE_SUFFIXES.declined
          ? 'PAYERROR'
          : suffix === SIMULATOR_CODE_SUFFIXES.passwordThenPay ||
              suffix === SIMULATOR_CODE_SUFFIXES.passwordNeverConfirmed
            ? 'USERPAYING'
            : 'SUCCESS'
      books.run(() =>
        prepared(
          db,
          `INSERT INTO sim_trades (out_trade_no, wallet, amount_fen, description, page_token, state, kind, confirm_at,
           transaction_id, paid_at, expires_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'code', ?, ?, ?, ?, ?)`,
        ).run(
          request.outTradeNo,
          request.wallet,
          request.amountFen,
          request.description,
          newSecretToken(),
          state,
          suffix === SIMULATOR_CODE_SUFFIXES.passwordThenPay ? now + PASSWORD_DELAY_MS : null,
          state === 'SUCCESS' ? newTransactionId(request.wallet) : null,
          state === 'SUCCESS' ? now : null,
          now + 24 * 3600_000,
          now,
        ),
      )
      // Like a real wallet, it answers about money once its own books hold it.
      await books.durable()
      return toTrade(getTrade(request.outTradeNo), request.outTradeNo)
    },

    async reverse(outTradeNo) {
      const trade = getTrade(outTradeNo)
      if (!trade) return toTrade(null, outTradeNo)
      // A reversed paid trade is returned to the customer by the wallet: either way no money stays.
      books.run(() =>
        prepared(
          db,
          "UPDATE sim_trades SET state = 'CLOSED', closed_at = ? WHERE out_trade_no = ? AND state != 'CLOSED'",
        ).run(clock.now(), outTradeNo),
      )
      await books.durable()
      return { ...toTrade(getTrade(outTradeNo), outTradeNo), state: 'REVOKED' as const }
    },

    async createQr(request: CreateQrRequest) {
      assertChannelUp(request.merchantId)
      const existing = getTrade(request.outTradeNo)
      const pageToken = existing?.page_token ?? newSecretToken()
      if (!existing) {
        books.run(() =>
          prepared(
            db,
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
          ),
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
      books.run(() =>
        prepared(
          db,
          "UPDATE sim_trades SET state = 'CLOSED', closed_at = ? WHERE out_trade_no = ? AND state IN ('NOTPAY', 'PAYERROR')",
        ).run(clock.now(), outTradeNo),
      )
      await books.durable()
      return toTrade(getTrade(outTradeNo), outTradeNo)
    },

    async refund(request: RefundRequest): Promise<ProviderRefund> {
      const result = refundInBooks(request)
      await books.durable()
      if (loseRefundAnswer) {
        loseRefundAnswer = false
        throw new EngineError('PROVIDER_ERROR', 'the refund answer was lost on the way')
      }
      return result
    },

    async queryRefund(outRefundNo) {
      const row = prepared(db, 'SELECT * FROM sim_refunds WHERE out_refund_no = ?').get(outRefundNo) as
        { amount_fen: number; refund_id: string } | undefined
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
      if (row.state === 'CLOSED' || row.kind !== 'qr') return 'closed'
      if (clock.now() >= row.expires_at) return 'expired'
      const now = clock.now()
      if (row.outcome === 'decline') {
        books.run(() =>
          prepared(db, "UPDATE sim_trades SET state = 'PAYERROR' WHERE out_trade_no = ? AND state = 'NOTPAY'").run(
            row.out_trade_no,
          ),
        )
        notify(getTrade(row.out_trade_no)!)
        return 'declined'
      }
      const transactionId = newTransactionId(row.wallet)
      const changed = books.run(
        () =>
          prepared(
            db,
            "UPDATE sim_trades SET state = 'SUCCESS', paid_at = ?, transaction_id = ? WHERE out_trade_no = ? AND state = 'NOTPAY'",
          ).run(now, transactionId, row.out_trade_no).changes,
      )
      if (changed !== 1) return 'already_paid'
      if (row.outcome === 'succeed') notify({ ...row, state: 'SUCCESS', paid_at: now, transaction_id: transactionId })
      return 'paid'
    },

    setAccountOutage(merchantId, down) {
      if (down) accountsDown.add(merchantId)
      else accountsDown.delete(merchantId)
    },

    loseNextRefundAnswer() {
      loseRefundAnswer = true
    },

    setOutcome(outTradeNo, outcome) {
      const changed = books.run(
        () => prepared(db, 'UPDATE sim_trades SET outcome = ? WHERE out_trade_no = ?').run(outcome, outTradeNo).changes,
      )
      if (changed !== 1) throw new EngineError('PAYMENT_NOT_FOUND', `no simulator trade ${outTradeNo}`)
    },

    async idle() {
      while (inFlight.size) await Promise.all([...inFlight])
    },

    flush() {
      const mark = books.mark()
      books.flush()
      return books.durable(mark)
    },
  }
  return provider
}

function newTransactionId(wallet: WalletId): string {
  return `sim${wallet}${newSecretToken(9)}`
}
