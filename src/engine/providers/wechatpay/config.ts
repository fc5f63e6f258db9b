import type { GatewayMode } from '../common'

/** Everything the WeChat Pay API v3 adapter needs; secrets are decrypted only in memory. */
export interface WechatPayConfig {
  mode: GatewayMode
  /** https://api.mch.weixin.qq.com in production; any base URL (e.g. a local test server) otherwise. */
  gatewayUrl: string
  mchId: string
  appId: string
  /** Serial number of the merchant API certificate (商户API证书序列号). */
  merchantSerialNo: string
  /** The merchant API private key (apiclient_key.pem), PKCS#8 PEM. */
  merchantPrivateKeyPem: string
  /** The 32-byte APIv3 key. */
  apiV3Key: string
  /** The APIv2 key. Unused: payment codes go through the v3 codepay API (kept for a v2 micropay fallback). */
  apiV2Key: string | null
  /** WeChat Pay platform certificates or WeChat Pay public keys, by serial / key id (Wechatpay-Serial). */
  platformKeys: { serial: string; publicKeyPem: string }[]
  /** Where WeChat Pay should send notifications (a public HTTPS relay), if any. */
  notifyUrl: string | null
  /** Store number sent as scene_info.store_info.out_id with payment codes; defaults to mchId. */
  storeId?: string | null
}
