import type { CONNECTION_TEST_CODES } from '../../shared/gateways'
import type { Clock } from '../clock'
import type { Logger } from '../logger'
import type { PaymentProvider } from './types'

/** Gateway modes of a real wallet (the simulator is the third mode). */
export type GatewayMode = 'sandbox' | 'production'

/** What an adapter reports when a response or notification fails verification: logged, never acted on. */
export interface SecurityEvent {
  provider: string
  kind: 'response_signature' | 'notification_signature' | 'notification_replay' | 'notification_decrypt' | 'clock_skew'
  detail: string
}

export interface AdapterDeps {
  clock: Clock
  /** Where security events go (the engine's event log). Never include secrets. */
  onSecurityEvent: (event: SecurityEvent) => void
  /** Request timeout for gateway calls. */
  timeoutMs?: number
  /** Where an adapter reports failures that are not security events (a gateway that answered nonsense…). */
  log?: Logger
}

/** The outcome of "Test connection": a harmless authenticated call, explained for a merchant. */
export interface ConnectionTestResult {
  ok: boolean
  /** A stable code a console can explain in its own words. */
  code: ConnectionTestCode
  message: string
}

/** A real wallet adapter: the provider interface plus the settings screen's "Test connection". */
export interface WalletAdapter extends PaymentProvider {
  testConnection(): Promise<ConnectionTestResult>
}

export type ConnectionTestCode = (typeof CONNECTION_TEST_CODES)[number]
