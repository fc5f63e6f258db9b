import type { PaymentMethod, WalletId } from '../../../shared/wallets'
import type { AdapterDeps, WalletAdapter } from '../common'
import { createBill } from './bills'
import { createContext } from './client'
import type { ChinaumsConfig } from './config'
import { testConnection } from './connection'
import { parseNotification } from './notification'
import { payWithCode } from './pos'
import { closeTrade, queryRefund, queryTrade, refundTrade, reverseTrade } from './trades'

export type { ChinaumsConfig, ChinaumsTuning } from './config'
export type { ChinaumsFailure } from './client'
export {
  ChinaumsCredentialsInput,
  CHINAUMS_DEFAULT_GATEWAYS,
  CHINAUMS_PUBLIC_FIELDS,
  CHINAUMS_SECRET_FIELDS,
  chinaumsPublicFields,
  toChinaumsConfig,
  type ChinaumsCredentials,
  type StoredChinaumsCredentials,
} from './credentials'
export { chinaumsFacts } from '../../../shared/providers/chinaums'
export { notificationReply } from './notification'

/**
 * China UMS (银联商务) as acquirer of UnionPay QuickPass (云闪付): QR codes through the netpay bills API, payment
 * codes through POS通, refunds through whichever took the payment, and signed payment notifications. Every
 * request is signed with OPEN-BODY-SIG; notifications are verified with the communication key.
 * Creating it never throws: a half-configured wallet is reported by testConnection and by every call.
 */
export function createChinaumsProvider(config: ChinaumsConfig, deps: AdapterDeps): WalletAdapter {
  const ctx = createContext(config, deps)
  return {
    key: ctx.key,
    mode: config.mode,
    supports: (wallet: WalletId, method: PaymentMethod) =>
      wallet === 'unionpay' && (method === 'qr' || method === 'payment-code'),
    createQr: (request) => createBill(ctx, request),
    query: (outTradeNo) => queryTrade(ctx, outTradeNo),
    close: (outTradeNo) => closeTrade(ctx, outTradeNo),
    payWithCode: (request) => payWithCode(ctx, request),
    reverse: (outTradeNo) => reverseTrade(ctx, outTradeNo),
    refund: (request) => refundTrade(ctx, request),
    queryRefund: (outRefundNo, outTradeNo) => queryRefund(ctx, outRefundNo, outTradeNo),
    parseNotification: (notification) => parseNotification(ctx, notification),
    testConnection: () => testConnection(ctx),
  }
}
