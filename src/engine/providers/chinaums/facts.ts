import { CHINAUMS_DEFAULT_GATEWAYS, CHINAUMS_SECRET_FIELDS } from './credentials'

/** What a wallet registry needs to know about this provider, as plain data. */
export const chinaumsFacts = {
  id: 'chinaums',
  wallets: ['unionpay'],
  display: {
    name: { zh: '银联商务 · 云闪付', en: 'China UMS · UnionPay QuickPass' },
    color: '#E60012',
  },
  capabilities: { qr: true, paymentCode: true, refunds: true, bills: false, installments: false },
  defaultGateways: CHINAUMS_DEFAULT_GATEWAYS,
  secretFields: CHINAUMS_SECRET_FIELDS,
  /** How notifications arrive and what they must be answered with (see notificationReply). */
  notifications: { contentType: 'application/x-www-form-urlencoded', reply: { success: 'SUCCESS', failure: 'FAILED' } },
} as const
