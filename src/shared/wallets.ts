/** The wallet catalogue: ids are part of the public API and never change. */
export const WALLET_IDS = ['wechat', 'alipay', 'huabei', 'unionpay', 'jdpay', 'ecny', 'cash'] as const
export type WalletId = (typeof WALLET_IDS)[number]

/** How one payment attempt is made. */
export const PAYMENT_METHODS = ['qr', 'payment-code', 'cash'] as const
export type PaymentMethod = (typeof PAYMENT_METHODS)[number]

/**
 * What a payment option offers ('installments': Huabei plans, paid by QR; 'friend-pay': a friend may pay
 * this order with this wallet through a share link).
 */
export const OPTION_METHODS = ['qr', 'payment-code', 'cash', 'installments', 'friend-pay'] as const
export type OptionMethod = (typeof OPTION_METHODS)[number]

/** The methods each wallet can take at all; the merchant's channel decides which are live. */
export const WALLET_METHODS: Record<WalletId, readonly PaymentMethod[]> = {
  wechat: ['qr', 'payment-code'],
  alipay: ['qr', 'payment-code'],
  huabei: ['qr'],
  unionpay: ['qr', 'payment-code'],
  jdpay: ['qr', 'payment-code'],
  ecny: ['qr', 'payment-code'],
  cash: ['cash'],
}

export interface WalletInfo {
  id: WalletId
  /** Brand colour used for icons and the phone pages. */
  color: string
  /** The one-character mark drawn in the wallet's icon where no logo image is used (phone pages). */
  mark: string
  /** Which app must scan this wallet's QR code: the user-agent marker that identifies it. */
  userAgentMarker: string | null
  /** Paid in installments (Huabei): it has plans and installment settings, and is no friend-pay wallet. */
  installments: boolean
  /**
   * How many days after the payment the wallet still takes a refund (WeChat Pay: one year; Alipay: as contracted,
   * usually twelve months); null: no limit (cash). The merchant may set a shorter window per wallet.
   */
  refundWindowDays: number | null
}

export const WALLETS: Record<WalletId, WalletInfo> = {
  wechat: {
    id: 'wechat',
    color: '#07C160',
    mark: '微',
    userAgentMarker: 'MicroMessenger',
    installments: false,
    refundWindowDays: 365,
  },
  alipay: {
    id: 'alipay',
    color: '#1677FF',
    mark: '支',
    userAgentMarker: 'AlipayClient',
    installments: false,
    refundWindowDays: 365,
  },
  huabei: {
    id: 'huabei',
    color: '#1677FF',
    mark: '花',
    userAgentMarker: 'AlipayClient',
    installments: true,
    refundWindowDays: 365,
  },
  unionpay: {
    id: 'unionpay',
    color: '#E60012',
    mark: '云',
    userAgentMarker: 'UnionPay',
    installments: false,
    refundWindowDays: 365,
  },
  jdpay: {
    id: 'jdpay',
    color: '#E1251B',
    mark: '京',
    userAgentMarker: 'jdapp',
    installments: false,
    refundWindowDays: 365,
  },
  ecny: { id: 'ecny', color: '#C8102E', mark: '数', userAgentMarker: null, installments: false, refundWindowDays: 365 },
  cash: {
    id: 'cash',
    color: '#FF9F00',
    mark: '现',
    userAgentMarker: null,
    installments: false,
    refundWindowDays: null,
  },
}

export const CONTRACT_STATUSES = ['not_signed', 'pending', 'signed'] as const
export type ContractStatus = (typeof CONTRACT_STATUSES)[number]

export const PROVIDER_MODES = ['simulator', 'sandbox', 'production'] as const
export type ProviderMode = (typeof PROVIDER_MODES)[number]
