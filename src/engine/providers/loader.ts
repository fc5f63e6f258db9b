import type { Database } from 'better-sqlite3'
import { providerOfWallet } from '../../shared/providers'
import type { WalletId } from '../../shared/wallets'
import { loadStoredCredentials } from '../credentials/store'
import { errorFields, type Logger } from '../logger'
import type { SecretBox } from '../secrets'
import type { AdapterDeps, GatewayMode, WalletAdapter } from './common'
import type { WalletModule } from './module'
import { createProviderRegistry, type ProviderRegistry } from './registry'
import type { PaymentProvider } from './types'

export interface WalletAdapters {
  /** Every provider payments can use: the simulator and the real adapters built from stored credentials. */
  readonly registry: ProviderRegistry
  /** (Re)builds the real adapters from the stored credentials, decrypted in memory only. */
  reload(): void
  /** The real adapter that takes a wallet's payments in a gateway mode, if credentials are stored for it. */
  find(wallet: WalletId, mode: GatewayMode): WalletAdapter | null
}

export function createWalletAdapters(parts: {
  db: Database
  secretBox: SecretBox | null
  simulator: PaymentProvider
  /** The providers whose adapters are built (the desktop app and headless mode pass them all). */
  modules: readonly WalletModule[]
  deps: AdapterDeps
  log: Logger
}): WalletAdapters {
  let real: WalletAdapter[] = []
  // Read on every routing decision: rebuilt only when the adapters change.
  let all: readonly PaymentProvider[] = [parts.simulator]
  const reload = (): void => {
    real = loadStoredCredentials(parts.db, parts.secretBox)
      .filter(({ module }) => parts.modules.includes(module))
      .map(({ module, stored }) => module.create(module.toConfig(stored), parts.deps))
    all = [parts.simulator, ...real]
  }
  try {
    reload()
  } catch (error) {
    // The simulator still works; the merchant sees the real wallets as unavailable and can enter keys again.
    parts.log.error(errorFields(error), 'wallet credentials could not be loaded')
  }
  return {
    registry: createProviderRegistry(() => all),
    reload,
    find(wallet, mode) {
      const provider = providerOfWallet(wallet)
      return provider ? (real.find((a) => a.key === `${provider.id}:${mode}`) ?? null) : null
    },
  }
}
