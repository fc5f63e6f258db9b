import type { PaymentMethod, ProviderMode, WalletId } from '../../shared/wallets'
import type { PaymentProvider } from './types'

export interface ProviderRegistry {
  find(wallet: WalletId, method: PaymentMethod, mode: ProviderMode): PaymentProvider | null
  byKey(key: string): PaymentProvider | null
}

/** Providers are read on every call, so credentials stored at runtime take effect at once. */
export function createProviderRegistry(providers: () => readonly PaymentProvider[]): ProviderRegistry {
  return {
    find(wallet, method, mode) {
      return providers().find((p) => p.mode === mode && p.supports(wallet, method)) ?? null
    },
    byKey(key) {
      return providers().find((p) => p.key === key) ?? null
    },
  }
}
