import { PROVIDERS, type CredentialWallet, type GatewayMode } from './providers'

/** Default gateway base URLs of the real wallets, per mode; each can be overridden (e.g. a local test server). */
export const DEFAULT_GATEWAYS = Object.fromEntries(PROVIDERS.map((p) => [p.wallet, p.gateways])) as Record<
  CredentialWallet,
  Readonly<Record<GatewayMode, string>>
>

/** Codes of "Test connection" results. */
export const CONNECTION_TEST_CODES = [
  'OK',
  'WRONG_KEY',
  'WRONG_SERIAL',
  'CLOCK_SKEW',
  'WRONG_GATEWAY',
  'UNREACHABLE',
  'BAD_RESPONSE_SIGNATURE',
  'REJECTED',
  'NOT_CONFIGURED',
] as const
