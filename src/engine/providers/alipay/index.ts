import type { AdapterDeps, ConnectionTestResult } from '../common'
import type { PaymentProvider, ProviderRefund } from '../types'
import { downloadTradeBill } from './bills'
import type { AlipayConfig } from './config'
import { testConnection } from './connection'
import { createAlipayContext, type AlipayTuning } from './context'
import { parseNotification } from './notificationTrade'
import { queryRefund, refund } from './refunds'
import { close, createQr, payWithCode, query, reverse, supports } from './trades'

export type { AlipayConfig } from './config'
export type { AlipayTuning } from './context'

export type AlipayProvider = Omit<PaymentProvider, 'queryRefund'> & {
  testConnection(): Promise<ConnectionTestResult>
  /**
   * Alipay's refund query needs the trade as well as out_request_no. Refunds made through this instance
   * are remembered; after a restart the caller must pass outTradeNo.
   */
  queryRefund(outRefundNo: string, outTradeNo?: string): Promise<ProviderRefund>
}

/**
 * The Alipay OpenAPI adapter (face-to-face payment, public-key mode, RSA2): QR and Huabei QR, payment code
 * and cancel, query, close, refunds and notifications. Its steps are plain functions taking the adapter's
 * context, by job: `trades`, `refunds`, `notificationTrade`, `bills` and `connection` (the signed exchange is the
 * gateway `client`); this binds them to one configuration.
 */
export function createAlipayProvider(
  config: AlipayConfig,
  deps: AdapterDeps,
  tuning: AlipayTuning = {},
): AlipayProvider {
  const ctx = createAlipayContext(config, deps, tuning)
  return {
    key: ctx.key,
    mode: config.mode,
    supports,
    createQr: (request) => createQr(ctx, request),
    query: (outTradeNo) => query(ctx, outTradeNo),
    close: (outTradeNo) => close(ctx, outTradeNo),
    payWithCode: (request) => payWithCode(ctx, request),
    reverse: (outTradeNo) => reverse(ctx, outTradeNo),
    refund: (request) => refund(ctx, request),
    queryRefund: (outRefundNo, outTradeNo) => queryRefund(ctx, outRefundNo, outTradeNo),
    parseNotification: (notification) => parseNotification(ctx, notification),
    downloadBill: (request) => downloadTradeBill(ctx, request),
    testConnection: () => testConnection(ctx),
  }
}
