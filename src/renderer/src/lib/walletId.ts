import { WALLET_IDS, type WalletId } from '../../../shared/wallets'

/** A wallet id a report names (a plain string there), or null for one this console does not know. */
export function asWalletId(value: string): WalletId | null {
  return (WALLET_IDS as readonly string[]).includes(value) ? (value as WalletId) : null
}
