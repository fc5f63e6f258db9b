import { alipayModule } from './alipay/module'
import { chinaumsModule } from './chinaums/module'
import type { WalletModule } from './module'
import { wechatpayModule } from './wechatpay/module'

/**
 * The real wallet providers the engine knows, one line each (their public facts are listed in
 * shared/providers). The desktop app and headless mode build adapters for all of them.
 */
export const REAL_WALLET_ADAPTERS: readonly WalletModule[] = [wechatpayModule, alipayModule, chinaumsModule]

/** The module of a provider by the wallet its credentials are filed under. */
export function walletModuleFor(wallet: string): WalletModule | null {
  return REAL_WALLET_ADAPTERS.find((m) => m.facts.wallet === wallet) ?? null
}
