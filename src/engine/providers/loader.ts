import type { Database } from 'better-sqlite3'
import { loadAdapterConfigs } from '../credentials/store'
import { errorFields, type Logger } from '../logger'
import type { SecretBox } from '../secrets'
import type { AlipayConfig } from './alipay/config'
import type { AdapterDeps, AdapterFactory, GatewayMode, WalletAdapter } from './common'
import { createProviderRegistry, type ProviderRegistry } from './registry'
import type { PaymentProvider } from './types'
import type { WechatPayConfig } from './wechatpay/config'

/** Real wallet adapter factories by wallet; a wallet without one is unavailable outside simulator mode. */
export interface AdapterFactories {
  wechat?: AdapterFactory<WechatPayConfig>
  alipay?: AdapterFactory<AlipayConfig>
}

/** The adapter keys of the wallets with credentials ("wechatpay:sandbox"). */
const PROVIDER_OF_WALLET = { wechat: 'wechatpay', alipay: 'alipay', huabei: 'alipay' } as const

export interface WalletAdapters {
  /** Every provider payments can use: the simulator and the real adapters built from stored credentials. */
  readonly registry: ProviderRegistry
  /** (Re)builds the real adapters from the stored credentials, decrypted in memory only. */
  reload(): void
  /** The real adapter of a wallet in a gateway mode, if credentials are stored for it. */
  find(wallet: keyof typeof PROVIDER_OF_WALLET, mode: GatewayMode): WalletAdapter | null
}

export function createWalletAdapters(parts: {
  db: Database
  secretBox: SecretBox | null
  simulator: PaymentProvider
  factories: AdapterFactories
  deps: AdapterDeps
  log: Logger
}): WalletAdapters {
  let real: WalletAdapter[] = []
  // Read on every routing decision: rebuilt only when the adapters change.
  let all: readonly PaymentProvider[] = [parts.simulator]
  const reload = (): void => {
    const configs = loadAdapterConfigs(parts.db, parts.secretBox)
    const { wechat, alipay } = parts.factories
    real = [
      ...(wechat ? configs.wechat.map((config) => wechat(config, parts.deps)) : []),
      ...(alipay ? configs.alipay.map((config) => alipay(config, parts.deps)) : []),
    ]
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
    find: (wallet, mode) => real.find((a) => a.key === `${PROVIDER_OF_WALLET[wallet]}:${mode}`) ?? null,
  }
}
