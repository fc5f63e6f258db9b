import { prepared } from '../db/prepared'
import type { Database } from 'better-sqlite3'
import type { CreatedPayment, PaymentOption } from '../../shared/api/types'
import { EngineError } from '../../shared/errors'
import { walletFromUserAgent } from '../../shared/userAgent'
import type { WalletId } from '../../shared/wallets'
import type { Clock } from '../clock'
import type { EventLog } from '../events/log'
import { newSecretToken } from '../ids'
import type { OrderRow } from '../orders/queries'
import { getOrderLines, getOrderRow } from '../orders/queries'
import { qrSvg, type PaymentService } from './service'
import { present } from '../../shared/assert'

interface AggregateRow {
  id: string
  order_id: string
  token: string
  expires_at: number
  created_at: number
}

export interface LandingOrder {
  orderId: string
  totalFen: number
  description: string | null
  lines: { name: string; quantity: number; amountFen: number }[]
}

/** What the all-wallets landing page does for a visitor. */
export type Landing =
  | { kind: 'redirect'; url: string; wallet: WalletId }
  | { kind: 'choose'; wallets: WalletId[]; order: LandingOrder }
  | { kind: 'wallet_unavailable'; wallet: WalletId; wallets: WalletId[]; order: LandingOrder }
  | { kind: 'paid'; order: LandingOrder }
  | { kind: 'expired' }
  | { kind: 'not_found' }

/** Wallets the all-wallets code may route to: available now, payable by QR, no plan to choose. */
function eligibleWallets(options: PaymentOption[]): WalletId[] {
  return options
    .filter((o) => o.available && o.methods.includes('qr') && !o.methods.includes('installments'))
    .map((o) => o.wallet)
}

/**
 * One code for all wallets (聚合码): a single QR whose landing page sends WeChat users to WeChat Pay,
 * Alipay users to Alipay and QuickPass users to QuickPass, and lets any other browser choose among the
 * order's eligible wallets. A wallet the router does not offer for this order is never reachable.
 */
export function createAggregateService(deps: {
  db: Database
  clock: Clock
  events: EventLog
  payments: PaymentService
  optionsFor: (order: OrderRow) => PaymentOption[]
  newId: (prefix: 'agg') => string
  paymentTtlMs: number
  publicBaseUrl: () => string
}) {
  const { db, clock, events } = deps

  function landingOrder(order: OrderRow): LandingOrder {
    return {
      orderId: order.id,
      totalFen: order.total_fen,
      description: order.description,
      lines: getOrderLines(db, order.id).map((l) => ({ name: l.name, quantity: l.quantity, amountFen: l.amountFen })),
    }
  }

  async function create(orderId: string): Promise<CreatedPayment> {
    const order = deps.payments.requireOrder(orderId)
    const now = clock.now()
    if ((order.status !== 'open' && order.status !== 'awaiting_payment') || order.expires_at <= now) {
      throw new EngineError('ORDER_NOT_PAYABLE', `order ${order.id} is ${order.status}`)
    }
    const wallets = eligibleWallets(deps.optionsFor(order))
    if (!wallets.length) throw new EngineError('WALLET_UNAVAILABLE', 'no wallet can take this order by QR code')
    const id = deps.newId('agg')
    const token = newSecretToken()
    const expiresAt = Math.min(now + deps.paymentTtlMs, order.expires_at)
    events.unitOfWork(() => {
      prepared(
        db,
        'INSERT INTO aggregate_codes (id, order_id, token, expires_at, created_at) VALUES (?, ?, ?, ?, ?)',
      ).run(id, order.id, token, expiresAt, now)
      events.append({ type: 'aggregate.created', orderId: order.id, data: { aggregateId: id, wallets } })
    })
    const qrContent = `${deps.publicBaseUrl()}/pay/${token}`
    return {
      id,
      orderId: order.id,
      wallet: null,
      method: 'aggregate',
      mode: null,
      status: 'pending',
      amountFen: order.total_fen,
      qrContent,
      qrSvg: await qrSvg(qrContent),
      expiresAt: new Date(expiresAt).toISOString(),
      installments: null,
      userPaying: false,
      failureCode: null,
      tenderedFen: null,
      changeFen: null,
    }
  }

  /** Opens (or reuses) this code's QR payment for a wallet and returns where to send the visitor. */
  async function paymentFor(code: AggregateRow, order: OrderRow, wallet: WalletId): Promise<string> {
    const attempt = await deps.payments.linkedQrAttempt(order, wallet, { aggregateId: code.id })
    return attempt.qr_content!
  }

  async function land(token: string, userAgent: string | undefined, chosen?: WalletId): Promise<Landing> {
    const code =
      (prepared(db, 'SELECT * FROM aggregate_codes WHERE token = ?').get(token) as AggregateRow | undefined) ?? null
    if (!code) return { kind: 'not_found' }
    const order = present(getOrderRow(db, code.order_id), `the order of code ${code.id}`)
    if (order.status === 'paid') return { kind: 'paid', order: landingOrder(order) }
    if (order.status !== 'open' && order.status !== 'awaiting_payment') return { kind: 'expired' }
    if (code.expires_at <= clock.now() || order.expires_at <= clock.now()) return { kind: 'expired' }
    const wallets = eligibleWallets(deps.optionsFor(order))
    const wallet = chosen ?? walletFromUserAgent(userAgent)
    if (!wallet) return { kind: 'choose', wallets, order: landingOrder(order) }
    if (!wallets.includes(wallet)) return { kind: 'wallet_unavailable', wallet, wallets, order: landingOrder(order) }
    return { kind: 'redirect', wallet, url: await paymentFor(code, order, wallet) }
  }

  return { create, land }
}
