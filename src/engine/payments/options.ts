import type { PaymentOption, WalletConfig } from '../../shared/api/types'
import type { ProviderRegistry } from '../providers/registry'

/** Reason codes for a wallet that is accepted but cannot take this order. */
export type UnavailableReason = 'NOT_SIGNED' | 'CHANNEL_UNAVAILABLE'

/**
 * The payment options for an order: every accepted wallet, offered or listed unavailable with a
 * coded reason, in the merchant's display order.
 */
export function computePaymentOptions(configs: readonly WalletConfig[], providers: ProviderRegistry): PaymentOption[] {
  return configs
    .filter((config) => config.accepted)
    .map((config): PaymentOption => {
      const unavailable = (reason: UnavailableReason): PaymentOption => ({
        wallet: config.wallet,
        available: false,
        reason,
        methods: [],
        mode: config.mode,
      })
      if (config.contractStatus !== 'signed') return unavailable('NOT_SIGNED')
      if (!providers.find(config.wallet, 'qr', config.mode)) return unavailable('CHANNEL_UNAVAILABLE')
      return { wallet: config.wallet, available: true, reason: null, methods: ['qr'], mode: config.mode }
    })
}
