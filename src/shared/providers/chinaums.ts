import { z } from 'zod'
import { GATEWAY_MODES, HttpUrl, type ProviderFacts } from './facts'

/** Keys are printable ASCII without spaces (the platform hands out hex or alphanumeric strings). */
const Key = z
  .string()
  .min(16)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, 'printable characters without spaces')

export const ChinaumsCredentialsInput = z.strictObject({
  wallet: z.literal('unionpay'),
  mode: z.enum(GATEWAY_MODES),
  gatewayUrl: HttpUrl.optional().meta({
    description: 'Default: https://api-mop.chinaums.com (sandbox: https://test-api-open.chinaums.com)',
  }),
  appId: z.string().regex(/^[0-9A-Za-z]{8,64}$/, 'the open-platform AppId: letters and digits'),
  appKey: Key.optional().meta({ description: 'Write-only AppKey; leave out to keep the stored one' }),
  mid: z.string().regex(/^[0-9A-Za-z]{8,20}$/, 'the merchant number (商户号), e.g. 898340149000005'),
  tid: z.string().regex(/^[0-9A-Za-z]{4,16}$/, 'the terminal number (终端号), e.g. 00000001'),
  instMid: z
    .string()
    .regex(/^[0-9A-Z_]{2,32}$/, 'the business type, e.g. QRPAYDEFAULT')
    .default('QRPAYDEFAULT'),
  msgSrcId: z.string().regex(/^[0-9A-Za-z]{4}$/, 'the 4-character source number (来源编号), e.g. 3194'),
  notifyKey: Key.optional().meta({ description: 'Write-only communication key (通讯密钥 / md5Key) of notifications' }),
  notifyUrl: HttpUrl.nullable().default(null).meta({ description: 'A public HTTPS relay for notifications, if any' }),
})

/** UnionPay QuickPass (云闪付) through the acquirer China UMS (银联商务): its open platform's netpay and POS通 APIs. */
export const chinaumsFacts = {
  id: 'chinaums',
  wallet: 'unionpay',
  wallets: ['unionpay'],
  credentials: {
    input: ChinaumsCredentialsInput,
    secretFields: [
      { name: 'appKey', required: true },
      { name: 'notifyKey', required: true },
    ],
  },
  gateways: { production: 'https://api-mop.chinaums.com', sandbox: 'https://test-api-open.chinaums.com' },
  // China UMS resends until it reads SUCCESS; FAILED asks it to resend (always with HTTP 200).
  notificationReply: (outcome) => ({
    status: 200,
    contentType: 'text/plain; charset=utf-8',
    body: outcome.ok ? 'SUCCESS' : 'FAILED',
  }),
  capabilities: { qr: true, paymentCode: true, refunds: true, bills: false, installments: false },
} as const satisfies ProviderFacts
