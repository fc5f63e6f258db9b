import type { WalletConfig } from '../../shared/api/types'
import type { RoutingSettingsData } from './routing'
import { DEFAULT_FRIEND_PAY_SETTINGS } from '../../shared/api/schemas'
import { DEFAULT_PAYMENT_CODE_RULES } from '../../shared/paymentCodes'
import { WALLET_IDS, WALLETS, type WalletId } from '../../shared/wallets'

/** Published list rates: WeChat Pay / Alipay 0.6 %, QuickPass 0.38 %, e-CNY and cash free. */
const DEFAULT_FEE_BP: Record<WalletId, number> = {
  wechat: 60,
  alipay: 60,
  huabei: 60,
  unionpay: 38,
  jdpay: 60,
  ecny: 0,
  cash: 0,
}

const WALLET_MERCHANT_PREFIX: Record<WalletId, string> = {
  wechat: 'SIM-WX',
  alipay: 'SIM-ALI',
  huabei: 'SIM-ALI',
  unionpay: 'SIM-UP',
  jdpay: 'SIM-JD',
  ecny: 'SIM-ECNY',
  cash: 'CASH',
}

/** What a wallet is configured as until the merchant changes it. */
export function defaultWalletConfig(wallet: WalletId): WalletConfig {
  return {
    wallet,
    accepted: false,
    contractStatus: 'not_signed',
    mode: 'simulator',
    displayOrder: WALLET_IDS.indexOf(wallet),
    feeRateBp: DEFAULT_FEE_BP[wallet],
    minFen: 0,
    maxFen: null,
    dailyCapFen: null,
    rolloutPercent: 100,
    productRules: { onlyCategories: [], excludeCategories: [], excludeSkus: [] },
    accounts:
      wallet === 'cash'
        ? []
        : [
            {
              id: 'main',
              label: '主账户',
              merchantId: `${WALLET_MERCHANT_PREFIX[wallet]}-0001`,
              priority: 0,
              splitPercent: 100,
              feeRateBp: null,
              enabled: true,
            },
          ],
    accountStrategy: 'priority',
    huabei: WALLETS[wallet].installments
      ? {
          periods: [3, 6, 12],
          feeBearer: 'customer',
          feeRatesBp: { '3': 180, '6': 450, '12': 750 },
          minOrderFen: 10_000,
        }
      : null,
    friendPay: wallet !== 'cash' && !WALLETS[wallet].installments,
    refundWindowDays: null,
  }
}

export const DEFAULT_ROUTING_SETTINGS: RoutingSettingsData = {
  ranking: ['last_used', 'priority', 'lowest_cost'],
  paymentCodeRules: DEFAULT_PAYMENT_CODE_RULES,
  paymentCodeTimeoutSeconds: 60,
  accountHealth: { windowMinutes: 30, minAttempts: 5, minSuccessPercent: 50, cooldownMinutes: 5 },
  friendPay: DEFAULT_FRIEND_PAY_SETTINGS,
}
