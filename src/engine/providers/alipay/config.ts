import type { GatewayMode } from '../common'

/** Everything the Alipay OpenAPI adapter needs (public-key mode, RSA2); secrets are decrypted only in memory. */
export interface AlipayConfig {
  mode: GatewayMode
  /** https://openapi.alipay.com/gateway.do in production, https://openapi-sandbox.dl.alipaydev.com/gateway.do in the sandbox, or a local test server. */
  gatewayUrl: string
  appId: string
  /** The application private key (应用私钥), PKCS#1 or PKCS#8 PEM. */
  appPrivateKeyPem: string
  /** The Alipay public key (支付宝公钥) that signs responses and notifications. */
  alipayPublicKeyPem: string
  /** Where Alipay should send notifications (a public HTTPS relay), if any. */
  notifyUrl: string | null
}
