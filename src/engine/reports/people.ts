import type { Database } from 'better-sqlite3'
import type { z } from 'zod'
import type { Report } from '../../shared/api/reportSchemas'
import { prepared } from '../db/prepared'
import { FRIEND_PAY_REQUESTS, type PeopleFact, type ProductFact } from './facts'
import { averageTicket, bp } from './figures'

type ReportData = z.output<typeof Report>
type People = ReportData['cashiers'][number]

/** Sales, refunds and fees per cashier or till, counted as the day report counts its cashiers. */
function peopleBy(
  facts: readonly PeopleFact[],
  keyOf: (row: PeopleFact) => string,
  nameOf: (id: string) => string | null,
): People[] {
  const byKey = new Map<string, People>()
  for (const row of facts) {
    if (row.kind !== 'sale' && row.kind !== 'refund' && row.kind !== 'fee') continue
    const key = keyOf(row)
    const id = key === '' ? null : key
    const figures = byKey.get(key) ?? {
      ...{ id, name: id === null ? null : nameOf(id), orders: 0, salesFen: 0, refunds: 0, refundsFen: 0 },
      ...{ feesFen: 0, netFen: 0, averageTicketFen: 0 },
    }
    if (row.account === 'fees') figures.feesFen += row.fen
    else if (row.kind === 'fee') continue
    else if (row.account === 'sales') {
      figures.salesFen -= row.fen
      if (row.kind === 'sale') figures.orders += row.n
    } else {
      figures.refundsFen += row.fen
      if (row.kind === 'refund') figures.refunds += row.n
    }
    byKey.set(key, figures)
  }
  return [...byKey.values()]
    .map((p) => ({
      ...p,
      netFen: p.salesFen - p.refundsFen - p.feesFen,
      averageTicketFen: averageTicket(p.salesFen, p.orders),
    }))
    .sort((a, b) => b.salesFen - a.salesFen || (a.id ?? '').localeCompare(b.id ?? ''))
}

function names(db: Database, table: 'staff' | 'tills'): Map<string, string> {
  const rows = prepared(db, `SELECT id, name FROM ${table}`).all() as { id: string; name: string }[]
  return new Map(rows.map((row) => [row.id, row.name]))
}

export function cashiersOf(db: Database, facts: readonly PeopleFact[]): People[] {
  const staff = names(db, 'staff')
  return peopleBy(
    facts,
    (row) => row.staff_id,
    (id) => staff.get(id) ?? null,
  )
}

export function tillsOf(db: Database, facts: readonly PeopleFact[]): People[] {
  const tills = names(db, 'tills')
  return peopleBy(
    facts,
    (row) => row.till_id,
    (id) => tills.get(id) ?? null,
  )
}

/** Friend pay: requests made in the range and how many were paid; sales a friend paid and their share. */
export function friendPayOf(
  db: Database,
  window: { start: number; end: number },
  facts: readonly PeopleFact[],
  salesFen: number,
): ReportData['friendPay'] {
  let orders = 0
  let friendSalesFen = 0
  for (const row of facts) {
    if (row.kind !== 'sale' || row.account !== 'sales' || row.friend !== 1) continue
    orders += row.n
    friendSalesFen -= row.fen
  }
  const requests = prepared(db, FRIEND_PAY_REQUESTS).get(window) as { requests: number; paid: number }
  return {
    ...requests,
    conversionBp: bp(requests.paid, requests.requests),
    orders,
    salesFen: friendSalesFen,
    shareBp: bp(friendSalesFen, salesFen),
  }
}

/** The best sellers by takings: a catalog product by its id, a keyed-in line by its name. */
export function productsOf(facts: readonly ProductFact[], limit: number): ReportData['products'] {
  const byKey = new Map<string, ReportData['products'][number]>()
  for (const row of facts) {
    const key = row.product_id === '' ? `name:${row.name}` : `id:${row.product_id}`
    const product = byKey.get(key) ?? {
      ...{ productId: row.product_id === '' ? null : row.product_id, name: row.name },
      ...{ quantity: 0, salesFen: 0, orders: 0 },
    }
    product.quantity += row.quantity
    product.salesFen += row.fen
    product.orders += row.orders
    byKey.set(key, product)
  }
  return [...byKey.values()]
    .sort((a, b) => b.salesFen - a.salesFen || b.quantity - a.quantity || a.name.localeCompare(b.name))
    .slice(0, limit)
}
