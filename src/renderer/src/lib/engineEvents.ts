import type { EngineEvent } from '../../../shared/api/types'
import type { AttemptStatus, OrderStatus } from '../../../shared/states'
import { WALLET_IDS, type WalletId } from '../../../shared/wallets'

const ORDER_STATUS_BY_EVENT: Partial<Record<string, OrderStatus>> = {
  'order.created': 'open',
  'order.awaiting_payment': 'awaiting_payment',
  'order.reopened': 'open',
  'order.paid': 'paid',
  'order.cancelled': 'cancelled',
  'order.expired': 'expired',
}

const ATTEMPT_STATUS_BY_EVENT: Partial<Record<string, AttemptStatus>> = {
  'payment.created': 'created',
  'payment.pending': 'pending',
  'payment.succeeded': 'succeeded',
  'payment.failed': 'failed',
  'payment.closed': 'closed',
}

/** The order status an event moves its order to, or null if the event does not change it. */
export function orderStatusAfter(event: EngineEvent): OrderStatus | null {
  return ORDER_STATUS_BY_EVENT[event.type] ?? null
}

/** The attempt status an event moves its attempt to, or null if the event does not change it. */
export function attemptStatusAfter(event: EngineEvent): AttemptStatus | null {
  return ATTEMPT_STATUS_BY_EVENT[event.type] ?? null
}

export function isUserPayingEvent(event: EngineEvent): boolean {
  return event.type === 'payment.user_paying'
}

/** Events that end a payment-code attempt without money, and the failure code to show for them. */
export function codeFailureAfter(event: EngineEvent): string | null {
  if (event.type === 'payment.failed') return event.data.failureCode || 'DECLINED'
  if (event.type === 'payment.reversed') return 'REVERSED'
  if (event.type === 'payment.closed') return 'CLOSED'
  return null
}

/** Events that change what the merchant's configuration offers, so payment options are stale. */
export function isConfigEvent(event: EngineEvent): boolean {
  // New credentials can make a sandbox or production wallet available.
  return event.type === 'config.changed' || event.type === 'credentials.changed'
}

const PROVIDER_WALLETS: Record<string, WalletId> = { wechatpay: 'wechat', alipay: 'alipay' }

/**
 * The wallet and gateway mode an event concerns: credential changes name them, security events name the
 * adapter ("wechatpay:sandbox").
 */
export function eventGateway(event: EngineEvent): { wallet: WalletId | null; mode: 'sandbox' | 'production' | null } {
  if (event.type === 'credentials.changed') return { wallet: event.data.wallet, mode: event.data.mode }
  const provider =
    event.type === 'security.rejected' || event.type === 'notification.rejected' ? event.data.provider : null
  if (!provider) return { wallet: eventWallet(event), mode: null }
  const [name, mode] = provider.split(':')
  return {
    wallet: PROVIDER_WALLETS[name ?? ''] ?? eventWallet(event),
    mode: mode === 'sandbox' || mode === 'production' ? mode : null,
  }
}

/** What kind of check a security event failed (response_signature, notification_replay, clock_skew…). */
export function securityKind(event: EngineEvent): string | null {
  return event.type === 'security.rejected' && event.data.kind !== '' ? event.data.kind : null
}

/** The wallet named in an event's data, if it is one we know. */
export function eventWallet(event: EngineEvent): WalletId | null {
  const wallet = 'wallet' in event.data ? event.data.wallet : null
  return typeof wallet === 'string' && (WALLET_IDS as readonly string[]).includes(wallet) ? wallet : null
}

/** Why an event's payment or request ended (a failure code or a close reason), if it says. */
export function eventReasonCode(event: EngineEvent): string | null {
  const data = event.data
  const reason = 'failureCode' in data ? data.failureCode : 'reason' in data ? data.reason : null
  return typeof reason === 'string' && reason !== '' ? reason : null
}
