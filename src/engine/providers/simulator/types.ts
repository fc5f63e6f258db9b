import type { Database } from 'better-sqlite3'
import { WALLET_IDS, type WalletId } from '../../../shared/wallets'
import type { Clock } from '../../clock'
import type { BillRequest, DownloadedBill, IncomingNotification, PaymentProvider, TradeState } from '../types'
import type { SimulatorBillDifference, SimulatorBillDifferenceInput } from './billDifferences'
import type { SimulatorFault } from './faults'

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

/** A row of the wallet's books (sim_trades). */
export interface TradeRow {
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
  /** The merchant account (商户号 / PID) the trade settles to, as the request named it. */
  merchant_id: string | null
  /** The wallet's fee on the trade in fen, taken when it is paid. */
  fee_fen: number
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
  /**
   * The fee the merchant's configured rate gives a payment (its merchant_fee_fen), by out_trade_no: the
   * simulated wallet charges exactly that, so a demo store's books reconcile with its bills. Without it, no fee.
   */
  merchantFeeFen?: (outTradeNo: string) => number | null
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
  /** Plans faults (timeouts, 5xx, bad notifications, races: see faults.ts), replacing those still pending. */
  setFaults(faults: readonly SimulatorFault[]): void
  /** The faults still to strike. */
  plannedFaults(): SimulatorFault[]
  /** Simulates the wallet's own disk failing: its next commit is lost, with everything written in it. */
  failNextCommit(): void
  /** Resolves once what the wallet wrote so far is on its disk; rejects (STORAGE_FAILED) if it was lost. */
  durable(): Promise<void>
  /** Notification deliveries not yet finished (tests and shutdown wait for them). */
  idle(): Promise<void>
  /** Writes the wallet's books now (before closing them); rejects if that last commit failed. */
  flush(): Promise<void>
  downloadBill(request: BillRequest): Promise<DownloadedBill>
  /** Plans differences between the books and the next bills (see billDifferences.ts), replacing those planned. */
  setBillDifferences(differences: readonly SimulatorBillDifferenceInput[]): Promise<SimulatorBillDifference[]>
  /** The differences the bills show now. */
  billDifferences(): SimulatorBillDifference[]
}
