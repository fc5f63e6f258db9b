import { WALLET_IDS, WALLETS, type WalletId } from '../../shared/wallets'
import type { PageLocale } from './html'

/** Wallet names on the phone pages (the console has its own, in its locales). */
export const WALLET_NAMES: Record<PageLocale, Record<WalletId, string>> = {
  'zh-CN': {
    wechat: '微信支付',
    alipay: '支付宝',
    huabei: '花呗分期',
    unionpay: '云闪付',
    jdpay: '京东支付',
    ecny: '数字人民币',
    cash: '现金',
  },
  'en-US': {
    wechat: 'WeChat Pay',
    alipay: 'Alipay',
    huabei: 'Huabei installments',
    unionpay: 'UnionPay QuickPass',
    jdpay: 'JD Pay',
    ecny: 'e-CNY',
    cash: 'Cash',
  },
}

/** A wallet's icon: its mark in its brand colour (the colour comes from the `wallet-<id>` class). */
export function walletLogo(wallet: WalletId): string {
  return `<span class="wallet-logo wallet-${wallet}" aria-hidden="true">${WALLETS[wallet].mark}</span>`
}

/** Each wallet's brand colour as the `--brand` of its `wallet-<id>` class, from the wallet catalogue. */
export const WALLET_BRAND_CSS = WALLET_IDS.map((id) => `.wallet-${id}{--brand:${WALLETS[id].color}}`).join('\n')
