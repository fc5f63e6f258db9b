import { z } from 'zod'
import { GATEWAY_MODES, HttpUrl, Pem, type ProviderFacts } from './facts'

export const AlipayCredentialsInput = z.strictObject({
  wallet: z.literal('alipay'),
  mode: z.enum(GATEWAY_MODES),
  gatewayUrl: HttpUrl.optional().meta({
    description:
      'Default: https://openapi.alipay.com/gateway.do (sandbox: https://openapi-sandbox.dl.alipaydev.com/gateway.do)',
  }),
  appId: z.string().regex(/^\d{16}$/, 'the 16-digit APPID'),
  appPrivateKeyPem: Pem.optional().meta({ description: 'Write-only; leave out to keep the stored one' }),
  alipayPublicKeyPem: Pem,
  notifyUrl: HttpUrl.nullable().default(null),
})

/** Alipay OpenAPI (RSA2, public-key mode); Huabei installments go through the same app. */
export const alipayFacts = {
  id: 'alipay',
  wallet: 'alipay',
  wallets: ['alipay', 'huabei'],
  credentials: {
    input: AlipayCredentialsInput,
    secretFields: [{ name: 'appPrivateKeyPem', required: true }],
  },
  gateways: {
    production: 'https://openapi.alipay.com/gateway.do',
    sandbox: 'https://openapi-sandbox.dl.alipaydev.com/gateway.do',
  },
  // Alipay expects the plain text `success`; anything else makes it retry.
  notificationReply: (outcome) => ({
    status: outcome.ok ? 200 : outcome.status,
    contentType: 'text/plain',
    body: outcome.ok ? 'success' : 'fail',
  }),
  capabilities: { qr: true, paymentCode: true, refunds: true, bills: true, installments: true },
} as const satisfies ProviderFacts
