import type { Engine } from '../../src/engine'
import type { OperationCallInput } from '../../src/shared/api/operations'
import type { Order, PaymentOption, WalletConfig } from '../../src/shared/api/types'

export async function walletConfig(engine: Engine, wallet: string): Promise<WalletConfig> {
  const { wallets } = (await engine.invoke('wallets.list', {})) as { wallets: WalletConfig[] }
  return wallets.find((w) => w.wallet === wallet)!
}

/** Changes some fields of a wallet's configuration through the API, as the settings screen does. */
export async function configure(engine: Engine, wallet: string, patch: Partial<WalletConfig>): Promise<WalletConfig> {
  const current = await walletConfig(engine, wallet)
  return (await engine.invoke('wallets.update', { ...current, ...patch })) as WalletConfig
}

export async function optionsOf(engine: Engine, orderId: string): Promise<PaymentOption[]> {
  return ((await engine.invoke('orders.paymentOptions', { id: orderId })) as { options: PaymentOption[] }).options
}

export async function option(engine: Engine, orderId: string, wallet: string): Promise<PaymentOption> {
  return (await optionsOf(engine, orderId)).find((o) => o.wallet === wallet)!
}

export async function order(engine: Engine, input: OperationCallInput<'orders.create'>): Promise<Order> {
  return await engine.invoke('orders.create', input)
}
