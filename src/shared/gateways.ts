/** Default gateway base URLs of the real wallets, per mode; each can be overridden (e.g. a local test server). */
export const DEFAULT_GATEWAYS = {
  // WeChat Pay API v3 has one gateway; its "sandbox" is a test merchant account on it (or a local server).
  wechat: { production: 'https://api.mch.weixin.qq.com', sandbox: 'https://api.mch.weixin.qq.com' },
  alipay: {
    production: 'https://openapi.alipay.com/gateway.do',
    sandbox: 'https://openapi-sandbox.dl.alipaydev.com/gateway.do',
  },
} as const

/** Codes of "Test connection" results. */
export const CONNECTION_TEST_CODES = [
  'OK',
  'WRONG_KEY',
  'WRONG_SERIAL',
  'CLOCK_SKEW',
  'WRONG_GATEWAY',
  'UNREACHABLE',
  'BAD_RESPONSE_SIGNATURE',
  'REJECTED',
  'NOT_CONFIGURED',
] as const
