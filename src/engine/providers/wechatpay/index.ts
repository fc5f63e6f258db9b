import type { AdapterDeps, ConnectionTestResult } from '../common'
import type { PaymentProvider } from '../types'
import { downloadTradeBill } from './bills'
import type { WechatPayConfig } from './config'
import { testConnection } from './connection'
import { createWechatPayContext } from './context'
import { parseNotification } from './notification'
import { queryRefund, refund } from './refunds'
import { close, createQr, payWithCode, query, reverse } from './trades'

export type { WechatPayConfig } from './config'
export { MAX_CLOCK_SKEW_MS, UNUSED_NOTIFY_URL, type WechatPayFailure } from './context'

export interface WechatPayProvider extends PaymentProvider {
  testConnection(): Promise<ConnectionTestResult>
}

/**
 * The WeChat Pay API v3 adapter for a direct merchant (普通商户): Native QR, v3 payment code (codepay)
 * and reverse, query, close, refunds and notifications. Every request is signed with the merchant key;
 * every answer and notification is verified with the WeChat Pay key named by its serial before anything
 * in it is believed.
 *
 * The steps are plain functions taking the adapter's context, by job: `gateway` (sign, send, verify),
 * `trades`, `refunds`, `notification`, `bills` and `connection`; this binds them to one configuration.
 */
export function createWechatPayProvider(config: WechatPayConfig, deps: AdapterDeps): WechatPayProvider {
  const ctx = createWechatPayContext(config, deps)
  return {
    key: ctx.key,
    mode: config.mode,
    supports: (wallet, method) => wallet === 'wechat' && (method === 'qr' || method === 'payment-code'),
    createQr: (request) => createQr(ctx, request),
    query: (outTradeNo) => query(ctx, outTradeNo),
    close: (outTradeNo) => close(ctx, outTradeNo),
    payWithCode: (request) => payWithCode(ctx, request),
    reverse: (outTradeNo) => reverse(ctx, outTradeNo),
    refund: (request) => refund(ctx, request),
    queryRefund: (outRefundNo) => queryRefund(ctx, outRefundNo),
    parseNotification: (notification) => parseNotification(ctx, notification),
    downloadBill: (request) => downloadTradeBill(ctx, request),
    testConnection: () => testConnection(ctx),
  }
}
