import type { ReconciliationWallet } from '../../shared/api/reconciliationSchemas'
import type { PaymentMethod, ProviderMode, WalletId } from '../../shared/wallets'
import type { BillFormat } from '../reconciliation/bills/types'

/** A trade as the wallet sees it, in WeChat Pay's vocabulary (Alipay's states map onto it). */
export type TradeState = 'NOTPAY' | 'USERPAYING' | 'SUCCESS' | 'CLOSED' | 'REVOKED' | 'PAYERROR' | 'NOT_FOUND'

export interface ProviderTrade {
  outTradeNo: string
  state: TradeState
  amountFen: number | null
  providerTradeNo: string | null
  paidAt: number | null
}

export interface CreateQrRequest {
  outTradeNo: string
  wallet: WalletId
  amountFen: number
  description: string
  expiresAt: number
  /** The merchant account (商户号 / PID) the payment goes to. */
  merchantId: string | null
  /** Huabei: number of installment periods. */
  installments: number | null
  /** Huabei: who bears the installment fee (Alipay's hb_fq_seller_percent 100 or 0). */
  installmentFeePayer: 'merchant' | 'customer' | null
}

export interface CodePayRequest {
  outTradeNo: string
  wallet: WalletId
  /** The customer's payment code, used once and never stored. */
  authCode: string
  amountFen: number
  description: string
  merchantId: string | null
}

export interface RefundRequest {
  outTradeNo: string
  outRefundNo: string
  amountFen: number
  totalFen: number
  reason: string
}

export type RefundState = 'PROCESSING' | 'SUCCESS' | 'ABNORMAL' | 'CLOSED'

export interface ProviderRefund {
  outRefundNo: string
  state: RefundState
  amountFen: number
  providerRefundNo: string | null
}

/** A day's trade bill (对账单) asked of a wallet: `date` is the wallet's calendar day in Beijing time. */
export interface BillRequest {
  wallet: ReconciliationWallet
  date: string
  /** A private folder the bill file is written into; the caller deletes the file when done. */
  dir: string
}

/** The bill as saved on disk, never held in memory whole. */
export interface DownloadedBill {
  format: BillFormat
  path: string
}

export interface IncomingNotification {
  headers: Record<string, string | undefined>
  body: string
  /** Who sent it (the remote address), when it came over the network. */
  source?: string
}

/**
 * What every wallet adapter offers. The simulator implements it; the real WeChat Pay and Alipay
 * adapters implement it too, so the payment service never knows which one it talks to.
 * Idempotent by outTradeNo / outRefundNo: a retried call never charges or refunds twice.
 */
export interface PaymentProvider {
  readonly key: string
  readonly mode: ProviderMode
  supports(wallet: WalletId, method: PaymentMethod): boolean
  createQr(request: CreateQrRequest): Promise<{ qrContent: string }>
  query(outTradeNo: string): Promise<ProviderTrade>
  /** Closes an unpaid trade. Returns the trade as it ends: SUCCESS if it turned out to be paid. */
  close(outTradeNo: string): Promise<ProviderTrade>
  /** Charges a customer's payment code: SUCCESS, USERPAYING (customer confirming in the app) or PAYERROR. */
  payWithCode(request: CodePayRequest): Promise<ProviderTrade>
  /**
   * Reverses a payment-code trade (WeChat Pay reverse / Alipay cancel): an unpaid trade is closed, a
   * paid one is returned to the customer by the wallet. Ends REVOKED.
   */
  reverse(outTradeNo: string): Promise<ProviderTrade>
  refund(request: RefundRequest): Promise<ProviderRefund>
  /** Alipay needs the trade as well as the refund number; WeChat Pay only the refund number. */
  queryRefund(outRefundNo: string, outTradeNo?: string): Promise<ProviderRefund>
  /** Verifies a notification (signature, freshness) and returns the trade it reports; throws NOTIFICATION_REJECTED. */
  parseNotification(notification: IncomingNotification): Promise<ProviderTrade>
  /**
   * Downloads a day's trade bill. Throws BILL_NOT_AVAILABLE (details.reason 'creating' | 'no_statement' |
   * 'too_early') while the wallet has none, BILL_INVALID when what arrives fails its hash or cannot be read.
   */
  downloadBill?(request: BillRequest): Promise<DownloadedBill>
}
