import type { WalletId } from './wallets'

/**
 * Which wallet app a page was opened in, from its user agent: WeChat (MicroMessenger), Alipay
 * (AlipayClient), UnionPay QuickPass (UnionPay / CloudPay). Null for any other browser.
 */
export function walletFromUserAgent(userAgent: string | undefined): WalletId | null {
  const ua = userAgent ?? ''
  if (/MicroMessenger/i.test(ua)) return 'wechat'
  if (/AlipayClient/i.test(ua)) return 'alipay'
  if (/UnionPay|CloudPay/i.test(ua)) return 'unionpay'
  return null
}
