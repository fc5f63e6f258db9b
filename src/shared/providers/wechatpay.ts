import { z } from 'zod'
import { GATEWAY_MODES, HttpUrl, jsonNotificationReply, Pem, type ProviderFacts } from './facts'

export const WechatPayCredentialsInput = z.strictObject({
  wallet: z.literal('wechat'),
  mode: z.enum(GATEWAY_MODES),
  gatewayUrl: HttpUrl.optional().meta({ description: 'Default: https://api.mch.weixin.qq.com' }),
  mchId: z.string().regex(/^\d{8,12}$/, 'the merchant number (商户号): 8–12 digits'),
  appId: z.string().regex(/^wx[0-9a-zA-Z]{16}$/, 'an AppID like wx0123456789abcdef'),
  merchantSerialNo: z.string().regex(/^[0-9A-Fa-f]{8,64}$/, 'the merchant certificate serial number (hex)'),
  merchantPrivateKeyPem: Pem.optional().meta({ description: 'Write-only; leave out to keep the stored one' }),
  apiV3Key: z.string().length(32).optional().meta({ description: 'Write-only, 32 characters' }),
  apiV2Key: z
    .string()
    .length(32)
    .optional()
    .meta({ description: 'Write-only, optional: payment codes use API v3 codepay' }),
  platformKeys: z
    .array(z.strictObject({ serial: z.string().min(1).max(80), publicKeyPem: Pem }))
    .min(1)
    .max(10)
    .meta({ description: 'WeChat Pay platform certificates or public keys, by serial / PUB_KEY_ID' }),
  notifyUrl: HttpUrl.nullable().default(null).meta({ description: 'A public HTTPS relay for notifications, if any' }),
})

/** WeChat Pay API v3, spoken directly with the merchant's own keys. */
export const wechatpayFacts = {
  id: 'wechatpay',
  wallet: 'wechat',
  wallets: ['wechat'],
  credentials: {
    input: WechatPayCredentialsInput,
    secretFields: [
      { name: 'merchantPrivateKeyPem', required: true },
      { name: 'apiV3Key', required: true },
      { name: 'apiV2Key', required: false },
    ],
  },
  // API v3 has one gateway; its "sandbox" is a test merchant account on it (or a local server).
  gateways: { production: 'https://api.mch.weixin.qq.com', sandbox: 'https://api.mch.weixin.qq.com' },
  // WeChat Pay wants a 2xx, or a JSON FAIL it will retry.
  notificationReply: jsonNotificationReply,
  capabilities: { qr: true, paymentCode: true, refunds: true, bills: true, installments: false },
} as const satisfies ProviderFacts
