import type { z } from 'zod'
import type { Report } from '../../shared/api/reportSchemas'
import type { EntryFact, SeriesFact } from './facts'

type ReportData = z.output<typeof Report>
export type Totals = ReportData['totals']
type SeriesPoint = ReportData['series'][number]

/** A part of a whole in basis points; null where the whole is zero. */
export function bp(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part * 10_000) / whole)
}

export function averageTicket(salesFen: number, orders: number): number {
  return orders === 0 ? 0 : Math.round(salesFen / orders)
}

/**
 * The day report's totals (days/report.ts), summed from the same entries: orders and refunds count sale and
 * merchant-refund transactions; sales, refunds, fees and over/short sum their accounts.
 */
export function totalsOf(entries: readonly EntryFact[]): Totals {
  let orders = 0
  let refunds = 0
  let salesFen = 0
  let refundsFen = 0
  let feesFen = 0
  let overShort = 0
  for (const row of entries) {
    if (row.account === '') {
      if (row.kind === 'sale') orders += row.n
      else if (row.kind === 'refund') refunds += row.n
    } else if (row.account === 'sales') salesFen -= row.fen
    else if (row.account === 'refunds') refundsFen += row.fen
    else if (row.account.startsWith('fees:')) feesFen += row.fen
    else if (row.account === 'over_short') overShort -= row.fen
  }
  return {
    ...{ orders, salesFen, refunds, refundsFen, feesFen },
    netFen: salesFen - refundsFen - feesFen,
    averageTicketFen: averageTicket(salesFen, orders),
    cashOverShortFen: overShort,
  }
}

/** Each bucket's figures, empty buckets included, in the order given. */
export function seriesOf(
  facts: readonly SeriesFact[],
  keys: readonly string[],
  bucketOf: (at: number) => string,
): SeriesPoint[] {
  const byKey = new Map<string, SeriesPoint>(
    keys.map((key) => [key, { key, orders: 0, salesFen: 0, refundsFen: 0, feesFen: 0, netFen: 0 }]),
  )
  for (const row of facts) {
    const point = byKey.get(bucketOf(row.at))
    if (!point) continue
    point.orders += row.orders
    point.salesFen += row.sales_fen
    point.refundsFen += row.refunds_fen
    point.feesFen += row.fees_fen
    point.netFen = point.salesFen - point.refundsFen - point.feesFen
  }
  return [...byKey.values()]
}

const CHANNEL_KINDS = new Set(['payment', 'fee', 'refund', 'automatic_refund'])

/** The wallet of a channel account: `clearing:<wallet>:<account>`, or a till's drawer for cash. */
function walletOf(account: string): string | null {
  if (account.startsWith('drawer:')) return 'cash'
  if (account.startsWith('clearing:')) return account.split(':')[1] ?? ''
  return null
}

/** Per payment method, as ledger/figures.ts counts a day's channels: taken, given back, fees, net. */
export function methodsOf(entries: readonly EntryFact[]): ReportData['methods'] {
  const byWallet = new Map<string, ReportData['methods'][number]>()
  for (const row of entries) {
    const wallet = walletOf(row.account)
    if (wallet === null || !CHANNEL_KINDS.has(row.kind)) continue
    const figures = byWallet.get(wallet) ?? {
      ...{ wallet, payments: 0, receivedFen: 0, refunds: 0, refundedFen: 0, feesFen: 0, netFen: 0, shareBp: null },
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
    byWallet.set(wallet, figures)
  }
  const methods = [...byWallet.values()]
  const received = methods.reduce((sum, m) => sum + m.receivedFen, 0)
  return methods
    .map((m) => ({ ...m, shareBp: bp(m.receivedFen, received) }))
    .sort((a, b) => b.receivedFen - a.receivedFen || a.wallet.localeCompare(b.wallet))
}

export function refundsOf(entries: readonly EntryFact[], totals: Totals): ReportData['refunds'] {
  const automatic = { count: 0, amountFen: 0 }
  for (const row of entries) {
    if (row.account !== '' || row.kind !== 'automatic_refund') continue
    automatic.count += row.n
    automatic.amountFen += row.fen
  }
  return {
    count: totals.refunds,
    amountFen: totals.refundsFen,
    rateBp: bp(totals.refundsFen, totals.salesFen),
    automatic,
  }
}

export function feesOf(
  entries: readonly EntryFact[],
  totals: Totals,
  methods: ReportData['methods'],
): ReportData['fees'] {
  const byWallet = new Map<string, number>()
  for (const row of entries) {
    if (!row.account.startsWith('fees:')) continue
    const wallet = row.account.slice('fees:'.length)
    byWallet.set(wallet, (byWallet.get(wallet) ?? 0) + row.fen)
  }
  const received = methods.reduce((sum, m) => sum + m.receivedFen, 0)
  return {
    totalFen: totals.feesFen,
    rateBp: bp(totals.feesFen, received),
    wallets: [...byWallet]
      .map(([wallet, feesFen]) => ({ wallet, feesFen }))
      .sort((a, b) => b.feesFen - a.feesFen || a.wallet.localeCompare(b.wallet)),
  }
}

/** How each total moved against the previous period, in basis points of the previous figure. */
export function changeOf(current: Totals, previous: Totals): ReportData['change'] {
  const keys = ['orders', 'salesFen', 'refunds', 'refundsFen', 'feesFen', 'netFen', 'averageTicketFen'] as const
  return Object.fromEntries(
    keys.map((key) => [key, bp(current[key] - previous[key], Math.abs(previous[key]))]),
  ) as ReportData['change']
}
