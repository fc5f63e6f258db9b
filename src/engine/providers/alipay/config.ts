import type { GatewayMode } from '../common'

/** Everything the Alipay OpenAPI adapter needs (public-key mode, RSA2); secrets are decrypted only in memory. */
export interface AlipayConfig {
  mode: GatewayMode
  /** https://openapi.alipay.com/gateway.do in production, https://openapi-sandbox.dl.alipaydev.com/gateway.do in the sandbox, or a local test server. */
  gatewayUrl: string
  appId: string
  /**
   * The application private key (应用私钥): PKCS#1 or PKCS#8 PEM, or the bare base64 body that Alipay's key
   * tool produces.
   */
  appPrivateKeyPem: string
  /** The Alipay public key (支付宝公钥) that signs responses and notifications: PEM or bare base64. */
  alipayPublicKeyPem: string
  /** Where Alipay should send notifications (a public HTTPS relay), if any. */
  notifyUrl: string | null
  /**
   * Huabei installments: the share of the installment fee the merchant bears (hb_fq_seller_percent),
   * 100 = merchant pays the fee, 0 = customer pays it. Defaults to 0.
   */
  huabeiSellerPercent?: 0 | 100
}
