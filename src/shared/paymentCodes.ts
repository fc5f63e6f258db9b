import type { WalletId } from './wallets'

/**
 * How a customer-presented payment code (付款码) reveals its wallet: its leading digits and length.
 * WeChat Pay, Alipay and UnionPay follow their published rules; JD Pay and e-CNY rules are unconfirmed
 * and live in the merchant's routing settings, so they can be corrected without a release.
 */
export interface PaymentCodeRule {
  wallet: WalletId
  prefixes: string[]
  lengths: number[]
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i)

export const DEFAULT_PAYMENT_CODE_RULES: PaymentCodeRule[] = [
  { wallet: 'wechat', prefixes: ['10', '11', '12', '13', '14', '15'], lengths: [18] },
  { wallet: 'alipay', prefixes: ['25', '26', '27', '28', '29', '30'], lengths: range(16, 24) },
  { wallet: 'unionpay', prefixes: ['62'], lengths: [19] },
  { wallet: 'jdpay', prefixes: ['18'], lengths: [18] },
  { wallet: 'ecny', prefixes: ['01'], lengths: [19] },
]

export const PAYMENT_CODE_PATTERN = /^\d{10,32}$/

/** The wallet a payment code belongs to, or null when no rule matches. First matching rule wins. */
export function detectWalletFromCode(code: string, rules: readonly PaymentCodeRule[]): WalletId | null {
  const digits = code.trim()
  if (!PAYMENT_CODE_PATTERN.test(digits)) return null
  const rule = rules.find((r) => r.lengths.includes(digits.length) && r.prefixes.some((p) => digits.startsWith(p)))
  return rule?.wallet ?? null
}

/** 134567890123456789 → 1345********6789: enough to recognise, useless to replay. */
export function maskPaymentCode(code: string): string {
  return code.length <= 8
    ? '*'.repeat(code.length)
    : `${code.slice(0, 4)}${'*'.repeat(code.length - 8)}${code.slice(-4)}`
}
