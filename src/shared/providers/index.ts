import { z } from 'zod'
import type { WalletId } from '../wallets'
import { alipayFacts } from './alipay'
import { chinaumsFacts } from './chinaums'
import type { ProviderFacts } from './facts'
import { wechatpayFacts } from './wechatpay'

export { GATEWAY_MODES, type GatewayMode, type NotificationReply, type ProviderFacts } from './facts'

/**
 * The real wallet providers, one line each. Everything that must know them — the credentials contract and
 * store, the notification route, the OpenAPI enums, the settings forms — reads this list.
 */
export const PROVIDERS = [wechatpayFacts, alipayFacts, chinaumsFacts] as const satisfies readonly ProviderFacts[]

type Provider = (typeof PROVIDERS)[number]
type CredentialInputs<T extends readonly { credentials: { input: unknown } }[]> = {
  -readonly [K in keyof T]: T[K]['credentials']['input']
}
/** The wallets credentials are filed under ('wechat', 'alipay', …). */
export type CredentialWallet = Provider['wallet']
export const CREDENTIAL_WALLETS = PROVIDERS.map((p) => p.wallet) as [CredentialWallet, ...CredentialWallet[]]
/** Wallets whose payments a real provider takes (Huabei through Alipay…). */
export type ProviderWallet = Provider['wallets'][number]
export const PROVIDER_WALLETS = PROVIDERS.flatMap((p) => p.wallets) as [ProviderWallet, ...ProviderWallet[]]

/** The credentials a merchant enters, one shape per provider, told apart by `wallet`. */
export const CredentialsInput = z.discriminatedUnion(
  'wallet',
  PROVIDERS.map((p) => p.credentials.input) as unknown as CredentialInputs<typeof PROVIDERS>,
)
export type CredentialsInput = z.output<typeof CredentialsInput>

export function isCredentialWallet(wallet: unknown): wallet is CredentialWallet {
  return PROVIDERS.some((p) => p.wallet === wallet)
}

/** The provider that takes a wallet's real payments, if any. */
export function providerOfWallet(wallet: WalletId): ProviderFacts | null {
  return PROVIDERS.find((p) => (p.wallets as readonly WalletId[]).includes(wallet)) ?? null
}

/** The provider named by an adapter key or notification path ("wechatpay:sandbox"). */
export function providerOfKey(key: string): ProviderFacts | null {
  const id = key.split(':')[0]
  return PROVIDERS.find((p) => p.id === id) ?? null
}
