/**
 * One line of a wallet's trade bill, in our terms. Both wallets' formats (WeChat Pay's CSV, Alipay's zipped GBK
 * CSV) parse into these, so matching never knows which wallet wrote the bill.
 */
export interface BillLine {
  type: 'line'
  kind: 'payment' | 'refund'
  /** Our payment number (商户订单号 / out_trade_no). */
  outTradeNo: string
  /** The wallet's trade number (微信订单号 / 支付宝交易号). */
  providerTradeNo: string | null
  /** Our refund number (商户退款单号 / 退款批次号/请求号); null on payment lines. */
  outRefundNo: string | null
  /** The merchant account the money settled to (特约商户号 or 商户号 / the bill's PID). */
  merchantId: string | null
  /** A payment's amount, or a refund's amount, in positive fen. */
  amountFen: number
  /** The wallet's fee on this line in fen: positive on a payment, negative (returned) or zero on a refund. */
  feeFen: number
  /** The wallet's own state word (SUCCESS, REFUND, 交易, 退款…), kept for the record. */
  state: string
  /** When the wallet booked it (ms since epoch), or null when the bill gives no readable time. */
  at: number | null
  /** 1-based line number in the file, for messages. */
  lineNumber: number
}

/** The bill's own summary (汇总), checked against the lines it follows. */
export interface BillSummary {
  type: 'summary'
  trades: number
  paidFen: number
  refundedFen: number
  feesFen: number
}

export type BillEntry = BillLine | BillSummary

/** Which format a bill file is in. */
export type BillFormat = 'wechat-csv' | 'alipay-zip'
