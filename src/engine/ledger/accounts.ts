/**
 * The chart of accounts. Assets: what each wallet's merchant account holds for us until it settles (`clearing:…`)
 * and the cash in each till's drawer (`drawer:…`). Money taken but not (or no longer) owed to a sale — a duplicate
 * payment, money returned automatically — sits in `unapplied` until it goes back. Sales and refunds (revenue and
 * its contra), the wallets' fees, the cash brought in or taken away (`cash_transfers`), paid-outs and the drawer's
 * over/short complete it.
 */
export const ACCOUNTS = {
  sales: 'sales',
  refunds: 'refunds',
  unapplied: 'unapplied',
  cashTransfers: 'cash_transfers',
  paidOut: 'paid_out',
  overShort: 'over_short',
} as const

export function clearingAccount(wallet: string, accountId: string | null): string {
  return `clearing:${wallet}:${accountId ?? '-'}`
}

/** A till's drawer; cash taken where no till is known (the integrator API) sits in `drawer:none`. */
export function drawerAccount(tillId: string | null): string {
  return `drawer:${tillId ?? 'none'}`
}

export function feesAccount(wallet: string): string {
  return `fees:${wallet}`
}

/** Where a payment's money is: its wallet account, or, for cash, the drawer of the till that took it. */
export function channelAccount(attempt: { wallet: string; account_id: string | null }, tillId: string | null): string {
  return attempt.wallet === 'cash' ? drawerAccount(tillId) : clearingAccount(attempt.wallet, attempt.account_id)
}
