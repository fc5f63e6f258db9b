import type { GatewayMode } from '../common'

/**
 * Everything the China UMS (银联商务) adapter needs for UnionPay QuickPass (云闪付) QR codes and payment codes;
 * secrets are decrypted only in memory. See PROTOCOL.md for where each field comes from.
 */
export interface ChinaumsConfig {
  mode: GatewayMode
  /** https://api-mop.chinaums.com in production, https://test-api-open.chinaums.com for tests, or a local server. */
  gatewayUrl: string
  /** The open-platform application id (AppId) that signs requests (OPEN-BODY-SIG). */
  appId: string
  /** The open-platform application key (AppKey): the HMAC-SHA256 key of OPEN-BODY-SIG. Secret. */
  appKey: string
  /** Merchant number (商户号 mid / merchantCode). */
  mid: string
  /** Terminal number (终端号 tid / terminalCode). */
  tid: string
  /** Business type (业务类型 / 机构商户号) of QR bills, e.g. QRPAYDEFAULT. */
  instMid: string
  /** The 4-character source number (来源编号 msgSrcId) every order and refund number starts with. */
  msgSrcId: string
  /** The communication key (通讯密钥, "md5Key") that signs notifications. Secret. */
  notifyKey: string
  /** Where China UMS should send payment notifications (a public HTTPS relay), if any. */
  notifyUrl: string | null
  /** Protocol details the public documentation leaves open; each has a default (see PROTOCOL.md, "Not confirmed"). */
  tuning?: ChinaumsTuning
}

/** Settings for what could not be confirmed from public documentation. */
export interface ChinaumsTuning {
  /** errCode values that mean "no such bill / order / refund" (default: NO_ORDER, ORDER_NOT_EXIST). */
  notFoundCodes?: readonly string[]
  /** Refuse answers that carry no `sign` field (default false: the open platform is not known to sign answers). */
  requireSignedAnswers?: boolean
  /** Notifications whose payTime / createTime is further than this from our clock are refused (default 15 min). */
  notificationMaxAgeMs?: number
  /** The id prefixes the engine gives payment attempts and refunds (default pay / rfd). */
  tradeIdPrefix?: string
  refundIdPrefix?: string
  /** API paths, for gateways that moved an API to another version. */
  paths?: Partial<Record<ChinaumsApi, string>>
}

export type ChinaumsApi =
  | 'billQrcode'
  | 'billQuery'
  | 'billClose'
  | 'billRefund'
  | 'posPay'
  | 'posQuery'
  | 'posVoid'
  | 'posReverse'
  | 'posRefund'
  | 'posRefundQuery'

export const DEFAULT_PATHS: Readonly<Record<ChinaumsApi, string>> = {
  billQrcode: '/v1/netpay/bills/get-qrcode',
  billQuery: '/v1/netpay/bills/query',
  billClose: '/v1/netpay/bills/close-qrcode',
  billRefund: '/v1/netpay/bills/refund',
  posPay: '/v2/poslink/transaction/pay',
  posQuery: '/v2/poslink/transaction/query',
  posVoid: '/v2/poslink/transaction/voidpayment',
  posReverse: '/v2/poslink/transaction/reversepayment',
  posRefund: '/v2/poslink/transaction/refund',
  posRefundQuery: '/v2/poslink/transaction/query-refund',
}

export const DEFAULT_NOT_FOUND_CODES: readonly string[] = ['NO_ORDER', 'ORDER_NOT_EXIST']

export const DEFAULT_NOTIFICATION_MAX_AGE_MS = 15 * 60_000
