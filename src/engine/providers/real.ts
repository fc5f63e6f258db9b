import type { AlipayConfig } from './alipay/config'
import type { AdapterFactory } from './common'
import { createAlipayProvider } from './alipay'
import { createWechatPayProvider } from './wechatpay'
import type { WechatPayConfig } from './wechatpay/config'

/** The real wallet adapters the desktop app and headless mode use. */
export const REAL_WALLET_ADAPTERS: { wechat?: AdapterFactory<WechatPayConfig>; alipay?: AdapterFactory<AlipayConfig> } =
  {
    wechat: (config, deps) => createWechatPayProvider(config, deps),
    alipay: (config, deps) => createAlipayProvider(config, deps),
  }
