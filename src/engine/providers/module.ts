import type { ProviderFacts } from '../../shared/providers'
import type { AdapterDeps, GatewayMode, WalletAdapter } from './common'

/** A provider's credentials as the store hands them over: public fields in clear, secrets decrypted in memory. */
export interface StoredCredentials {
  mode: GatewayMode
  gatewayUrl: string
  publicFields: Record<string, unknown>
  secrets: Record<string, string | null>
}

/** What the credential store keeps of a merchant's input: shown fields in clear, secrets encrypted. */
export interface AcceptedCredentials {
  publicFields: Record<string, unknown>
  /** Secrets the input sets; the ones it leaves out keep their stored values. */
  secrets: Record<string, string | null>
}

/**
 * A real wallet provider as the engine sees it: its public facts, and what only the engine may do — check keys,
 * turn stored credentials into the adapter's configuration, and build the adapter.
 */
export interface WalletModule<Config = unknown, Input = unknown> {
  readonly facts: ProviderFacts
  /** Checks what the schema cannot (keys that parse, RSA ≥ 2048 bits) and splits the input for storage. */
  acceptCredentials(input: Input): AcceptedCredentials
  toConfig(stored: StoredCredentials): Config
  create(config: Config, deps: AdapterDeps): WalletAdapter
}

/** Reads a stored text field that must be there (a secret the store already required). */
export function storedText(fields: Record<string, unknown>, name: string): string {
  const value = fields[name]
  if (typeof value !== 'string' || value === '') throw new Error(`stored credentials lack ${name}`)
  return value
}

export function storedTextOrNull(fields: Record<string, unknown>, name: string): string | null {
  const value = fields[name]
  return typeof value === 'string' && value !== '' ? value : null
}
