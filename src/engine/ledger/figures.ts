import type { Database } from 'better-sqlite3'
import { prepared } from '../db/prepared'

/** What one channel account (a wallet's merchant account, a till's drawer) took, gave back and paid in fees. */
export interface ChannelFigures {
  wallet: string
  /** The merchant account id, or the till for cash. */
  account: string
  payments: number
  receivedFen: number
  refunds: number
  refundedFen: number
  feesFen: number
  netFen: number
}

/** `clearing:<wallet>:<account>` or `drawer:<till>` as the wallet and account a report shows. */
function splitAccount(account: string): { wallet: string; account: string } {
  if (account.startsWith('drawer:')) return { wallet: 'cash', account: account.slice('drawer:'.length) }
  const [, wallet = '', id = ''] = account.split(':')
  return { wallet, account: id }
}

/** Per channel account, from the journal, between two instants (and, when given, for one till). */
export function channelFigures(
  db: Database,
  window: { start: number; end: number; tillId?: string | null },
): ChannelFigures[] {
  const rows = prepared(
    db,
    `SELECT t.kind, e.account, COUNT(DISTINCT t.id) AS n, SUM(e.amount_fen) AS fen
     FROM journal_transactions t JOIN journal_entries e ON e.txn_id = t.id
     WHERE t.at >= @start AND t.at < @end AND (@tillId IS NULL OR t.till_id = @tillId)
       AND (e.account LIKE 'clearing:%' OR e.account LIKE 'drawer:%')
       AND t.kind IN ('payment', 'fee', 'refund', 'automatic_refund')
     GROUP BY t.kind, e.account`,
  ).all({ start: window.start, end: window.end, tillId: window.tillId ?? null }) as {
    kind: string
    account: string
    n: number
    fen: number
  }[]
  const byAccount = new Map<string, ChannelFigures>()
  for (const row of rows) {
    const figures = byAccount.get(row.account) ?? {
      ...splitAccount(row.account),
      ...{ payments: 0, receivedFen: 0, refunds: 0, refundedFen: 0, feesFen: 0, netFen: 0 },
    }
    if (row.kind === 'payment') {
      figures.payments += row.n
      figures.receivedFen += row.fen
    } else if (row.kind === 'fee') figures.feesFen -= row.fen
    else {
      figures.refunds += row.n
      figures.refundedFen -= row.fen
    }
    figures.netFen = figures.receivedFen - figures.refundedFen - figures.feesFen
    byAccount.set(row.account, figures)
  }
  return [...byAccount.values()].sort((a, b) => b.receivedFen - a.receivedFen || a.account.localeCompare(b.account))
}

/** The same figures summed per payment method. */
export function methodFigures(channels: readonly ChannelFigures[]): Omit<ChannelFigures, 'account'>[] {
  const byWallet = new Map<string, Omit<ChannelFigures, 'account'>>()
  for (const { account: _account, ...figures } of channels) {
    const sum = byWallet.get(figures.wallet)
    if (!sum) byWallet.set(figures.wallet, { ...figures })
    else {
      for (const key of ['payments', 'receivedFen', 'refunds', 'refundedFen', 'feesFen', 'netFen'] as const)
        sum[key] += figures[key]
    }
  }
  return [...byWallet.values()].sort((a, b) => b.receivedFen - a.receivedFen)
}
