import { setTimeout as sleep } from 'node:timers/promises'
import { Unreachable, type Answer, type ServerProcess } from './child.mjs'
import type { Rng } from './rng.mjs'

/**
 * What a client was told and may rely on: each is checked against the books after the last restart. Terminal
 * states only (an order paid or cancelled, a payment succeeded, failed or closed), since those never change.
 */
export type Claim =
  | { kind: 'order'; orderId: string; totalFen: number }
  | { kind: 'order-status'; orderId: string; status: FinalOrderStatus }
  | { kind: 'attempt'; attemptId: string; orderId: string; amountFen: number; status: FinalAttemptStatus | null }
  | { kind: 'wallet-paid'; pageToken: string; amountFen: number }
  | { kind: 'aggregate'; id: string; orderId: string }
  | { kind: 'friend-pay'; id: string; orderId: string; amountFen: number; status: FinalFriendPayStatus | null }
  | { kind: 'refund'; refundId: string; attemptId: string; amountFen: number }

export type FinalAttemptStatus = 'succeeded' | 'failed' | 'closed'
export type FinalOrderStatus = 'paid' | 'cancelled' | 'expired'
export type FinalFriendPayStatus = 'paid' | 'cancelled' | 'expired'

const FINAL_ATTEMPT = new Set<string>(['succeeded', 'failed', 'closed'])
const FINAL_ORDER = new Set<string>(['paid', 'cancelled', 'expired'])
const FINAL_FRIEND_PAY = new Set<string>(['paid', 'cancelled', 'expired'])

export const FLOW_WEIGHTS = {
  /** A wallet QR paid on the simulator's page, with a notification, without one (query only), or declined. */
  qr: 5,
  /** Two codes of one order both paid: the second is refunded. */
  'two-codes': 2,
  /** A customer's payment code: paid at once, after a password, never confirmed, or declined. */
  'payment-code': 4,
  cash: 2,
  /** Cancelling an order, sometimes while its code is being paid. */
  cancel: 2,
  /** The cashier closes a code, sometimes while it is being paid; a closed code must take no money. */
  close: 2,
  /** Ask a friend to pay: paid by the friend, paid twice (cash too), or cancelled. */
  'friend-pay': 3,
  /** The all-wallets code opened in a wallet app. */
  aggregate: 1,
  /** An acknowledged request sent again with its Idempotency-Key: the same answer, nothing done twice. */
  replay: 1,
} as const
export type FlowKind = keyof typeof FLOW_WEIGHTS

const NEUTRAL_UA = 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36'
const WECHAT_UA = `${NEUTRAL_UA} MicroMessenger/8.0.49 NetType/WIFI`
const ALIPAY_UA = `${NEUTRAL_UA} AlipayClient/10.6.0.8000`
const DEMO_SKUS = ['DRK-001', 'DRK-002', 'DRK-003', 'BRK-001', 'BRK-002', 'BRK-003', 'BRK-004', 'DLY-001', 'DLY-002']
const CODE_PREFIX = { wechat: '13', alipay: '28', unionpay: '62' } as const
const CODE_LENGTH = { wechat: 18, alipay: 18, unionpay: 19 } as const
/** The simulator's test codes by their last four digits (SIMULATOR_CODE_SUFFIXES). */
const CODE_SUFFIX = { password: '0001', neverConfirmed: '0002', declined: '0003' } as const

/** Everything the clients learned: claims to check later, violations seen on the spot, and counters. */
export class Ledger {
  readonly claims = new Map<string, Claim>()
  readonly violations: string[] = []
  readonly flows: Record<string, number> = {}
  /** Refused requests by error code (a race lost, an order no longer payable…): not failures, but shown. */
  readonly refusals: Record<string, number> = {}
  readonly serverErrors: string[] = []
  acknowledged = 0
  abandoned = 0
  /** Keyed requests sent again after a kill cut them off, and how many of those got the stored first answer. */
  retried = 0
  retriedReplayed = 0
  /** Acknowledged keyed requests sent again on purpose (the replay flow): each must get the same answer. */
  replays = 0

  claim(claim: Claim): void {
    this.claims.set(JSON.stringify(claim), claim)
  }
}

interface KeyedRequest {
  key: string
  method: string
  path: string
  body: unknown
  id: string
  operation: string
}

/** The parts of the API's answers the clients read. */
interface Order {
  id: string
  totalFen: number
}

interface Payment {
  id: string
  orderId: string
  status: string
  amountFen: number
  qrContent: string | null
}

interface OrderDetail extends Order {
  status: string
  attempts: Payment[]
  refunds: { id: string; attemptId: string; amountFen: number; status: string }[]
}

interface FriendPayRequest {
  id: string
  orderId: string
  status: string
  amountFen: number
  url: string
}

const bodyOf = <T,>(answer: Answer): T => answer.json as T
const idOf = (answer: Answer): string | undefined => (answer.json as { id?: unknown } | null)?.id as string | undefined
const errorCodeOf = (answer: Answer): string | undefined =>
  (answer.json as { error?: { code?: string } } | null)?.error?.code

type PageResult = 'paid' | 'declined' | 'closed' | 'other'

/** A flow could not go on (a refusal, or its order ended meanwhile): the client starts another. */
class FlowEnded extends Error {}

/**
 * One till (and the phones of its customers): runs seeded flows one after another until told to stop. A request
 * cut off by a kill ends the flow — or, for a keyed request, is sometimes sent again once the server is back.
 */
export class Client {
  private seq = 0
  private readonly history: KeyedRequest[] = []

  constructor(
    readonly index: number,
    private readonly rng: Rng,
    private readonly server: ServerProcess,
    readonly ledger: Ledger,
    private readonly tag: string,
  ) {}

  async run(shouldStop: () => boolean): Promise<void> {
    while (!shouldStop()) {
      const kind = this.rng.weighted(FLOW_WEIGHTS)
      this.ledger.flows[kind] = (this.ledger.flows[kind] ?? 0) + 1
      try {
        await FLOWS[kind](this)
      } catch (error) {
        if (error instanceof Unreachable) this.ledger.abandoned++
        else if (!(error instanceof FlowEnded)) throw error
      }
    }
  }

  // ---- requests ----

  private answered(answer: Answer): Answer {
    if (answer.status >= 200 && answer.status < 400) this.ledger.acknowledged++
    else if (answer.status >= 500) {
      const code = errorCodeOf(answer) ?? `HTTP_${answer.status}`
      this.ledger.refusals[code] = (this.ledger.refusals[code] ?? 0) + 1
      if (this.ledger.serverErrors.length < 20) this.ledger.serverErrors.push(answer.text.slice(0, 300))
    } else {
      const code = errorCodeOf(answer) ?? `HTTP_${answer.status}`
      this.ledger.refusals[code] = (this.ledger.refusals[code] ?? 0) + 1
    }
    return answer
  }

  async api(method: string, path: string, body?: unknown): Promise<Answer> {
    return this.answered(await this.server.request(method, path, { token: true, body }))
  }

  async page(method: string, path: string, ua = NEUTRAL_UA, form?: Record<string, string>): Promise<Answer> {
    return this.answered(
      await this.server.request(method, path, { headers: { 'User-Agent': ua, 'Accept-Language': 'en-US' }, form }),
    )
  }

  /**
   * A mutating API request under an Idempotency-Key. If the server dies before answering, the till sometimes sends
   * it again with the same key once the server is back (as the console's buttons do).
   */
  async keyed(operation: string, method: string, path: string, body: unknown): Promise<Answer> {
    const key = `${this.tag}-c${this.index}-${++this.seq}`
    for (let tries = 0; ; tries++) {
      let answer: Answer
      try {
        answer = await this.server.request(method, path, { token: true, body, headers: { 'Idempotency-Key': key } })
      } catch (error) {
        if (error instanceof Unreachable && tries < 2 && this.rng.chance(0.6)) {
          this.ledger.retried++
          continue
        }
        throw error
      }
      this.answered(answer)
      if (tries > 0 && answer.headers['idempotent-replayed'] === 'true') this.ledger.retriedReplayed++
      const id = idOf(answer)
      if (answer.status < 300 && typeof id === 'string') this.history.push({ key, method, path, body, id, operation })
      return answer
    }
  }

  violation(text: string): void {
    this.ledger.violations.push(text)
  }

  /** Ends the flow unless the answer is one of the expected statuses. */
  expect(answer: Answer, status: number): Answer {
    if (answer.status !== status) throw new FlowEnded()
    return answer
  }

  // ---- reading what the server says, and remembering what it acknowledged ----

  /** The order with its attempts and refunds; every final state it shows is remembered. */
  async order(id: string): Promise<OrderDetail> {
    const order = bodyOf<OrderDetail>(this.expect(await this.api('GET', `/api/orders/${id}`), 200))
    this.ledger.claim({ kind: 'order', orderId: order.id, totalFen: order.totalFen })
    if (FINAL_ORDER.has(order.status)) {
      this.ledger.claim({ kind: 'order-status', orderId: order.id, status: order.status as FinalOrderStatus })
    }
    for (const attempt of order.attempts) this.rememberAttempt(attempt)
    for (const refund of order.refunds) {
      if (refund.status === 'succeeded') {
        this.ledger.claim({
          kind: 'refund',
          refundId: refund.id,
          attemptId: refund.attemptId,
          amountFen: refund.amountFen,
        })
      }
    }
    return order
  }

  rememberAttempt(attempt: { id: string; orderId: string; amountFen: number; status: string }): void {
    this.ledger.claim({
      kind: 'attempt',
      attemptId: attempt.id,
      orderId: attempt.orderId,
      amountFen: attempt.amountFen,
      status: FINAL_ATTEMPT.has(attempt.status) ? (attempt.status as FinalAttemptStatus) : null,
    })
  }

  rememberFriendPay(request: { id: string; orderId: string; amountFen: number; status: string }): void {
    this.ledger.claim({
      kind: 'friend-pay',
      id: request.id,
      orderId: request.orderId,
      amountFen: request.amountFen,
      status: FINAL_FRIEND_PAY.has(request.status) ? (request.status as FinalFriendPayStatus) : null,
    })
  }

  /** Polls the order until `done` holds or the time is up; returns the last answer. */
  async waitOrder(id: string, done: (order: OrderDetail) => boolean, timeoutMs: number): Promise<OrderDetail> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const order = await this.order(id)
      if (done(order) || Date.now() >= deadline) return order
      await sleep(250)
    }
  }

  // ---- steps ----

  async newOrder(): Promise<Order> {
    const body = this.rng.chance(0.3)
      ? {
          lines: Array.from({ length: this.rng.int(1, 3) }, () => ({
            sku: this.rng.pick(DEMO_SKUS),
            quantity: this.rng.int(1, 3),
          })),
        }
      : { amountFen: this.rng.int(100, 60_000), description: `crash ${this.tag}` }
    const answer = this.expect(await this.keyed('orders.create', 'POST', '/api/orders', body), 201)
    const order = bodyOf<Order>(answer)
    if ('amountFen' in body && order.totalFen !== body.amountFen) {
      this.violation(`order ${order.id} was answered with total ${order.totalFen} for amountFen ${body.amountFen}`)
    }
    this.ledger.claim({ kind: 'order', orderId: order.id, totalFen: order.totalFen })
    return order
  }

  async pay(order: Order, body: Record<string, unknown>): Promise<Payment> {
    const answer = this.expect(
      await this.keyed('payments.create', 'POST', `/api/orders/${order.id}/payments`, body),
      201,
    )
    const payment = bodyOf<Payment>(answer)
    if (payment.amountFen !== order.totalFen) {
      this.violation(`payment ${payment.id} asks ${payment.amountFen} fen for order ${order.id} of ${order.totalFen}`)
    }
    this.rememberAttempt(payment)
    return payment
  }

  qr(order: Order, wallet: string, extra: Record<string, unknown> = {}): Promise<Payment> {
    return this.pay(order, { wallet, method: 'qr', qrSvg: false, ...extra })
  }

  async setOutcome(payment: Payment, outcome: 'succeed_silently' | 'decline'): Promise<void> {
    this.expect(await this.api('POST', `/api/simulator/trades/${payment.id}/outcome`, { outcome }), 200)
  }

  /** The customer presses "confirm" on the simulator's page, then looks at what it says. */
  async confirm(qrContent: string, amountFen: number, ua = NEUTRAL_UA): Promise<PageResult> {
    const path = new URL(qrContent).pathname
    const pageToken = path.split('/').pop() ?? ''
    const confirmed = await this.page('POST', `${path}/confirm`, ua)
    if (confirmed.status !== 303) return 'other'
    const shown = await this.page('GET', confirmed.location ?? path, ua)
    if (shown.text.includes('Payment successful') || shown.text.includes('支付成功')) {
      this.ledger.claim({ kind: 'wallet-paid', pageToken, amountFen })
      return 'paid'
    }
    if (shown.text.includes('Payment failed') || shown.text.includes('支付失败')) return 'declined'
    return shown.status === 200 ? 'closed' : 'other'
  }

  paymentCode(wallet: keyof typeof CODE_PREFIX, suffix: string): string {
    const prefix = CODE_PREFIX[wallet]
    return prefix + this.rng.digits(CODE_LENGTH[wallet] - prefix.length - 4) + suffix
  }

  async replay(): Promise<void> {
    if (!this.history.length) return
    const earlier = this.rng.pick(this.history)
    const answer = await this.server.request(earlier.method, earlier.path, {
      token: true,
      body: earlier.body,
      headers: { 'Idempotency-Key': earlier.key },
    })
    this.answered(answer)
    if (answer.status >= 300 || idOf(answer) !== earlier.id) {
      this.violation(
        `${earlier.operation} sent again with Idempotency-Key ${earlier.key} was answered ${answer.status} ` +
          `${idOf(answer) ?? answer.text.slice(0, 120)} instead of ${earlier.id}`,
      )
    } else if (answer.headers['idempotent-replayed'] !== 'true') {
      this.violation(`${earlier.operation} sent again with Idempotency-Key ${earlier.key} was done again`)
    } else this.ledger.replays++
  }

  pick<T>(items: readonly T[]): T {
    return this.rng.pick(items)
  }

  chance(p: number): boolean {
    return this.rng.chance(p)
  }

  int(min: number, max: number): number {
    return this.rng.int(min, max)
  }

  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    return this.rng.weighted(weights)
  }
}

/** Runs both, and fails like the first failure once both are over (no request is left running behind). */
async function both<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b])
  if (ra.status === 'rejected') throw ra.reason
  if (rb.status === 'rejected') throw rb.reason
  return [ra.value, rb.value]
}

const isPaid = (order: OrderDetail): boolean => order.status === 'paid'

const QR_WALLETS = ['wechat', 'alipay', 'unionpay'] as const

const FLOWS: Record<FlowKind, (c: Client) => Promise<void>> = {
  async qr(c) {
    const order = await c.newOrder()
    const huabei = order.totalFen >= 10_000 && c.chance(0.15)
    const payment = huabei
      ? await c.qr(order, 'huabei', { installments: c.pick([3, 6, 12]) })
      : await c.qr(order, c.pick(QR_WALLETS))
    const how = c.weighted({ notified: 5, silent: 3, declined: 1, abandoned: 1 })
    if (how === 'abandoned') return
    if (how === 'silent') await c.setOutcome(payment, 'succeed_silently')
    if (how === 'declined') await c.setOutcome(payment, 'decline')
    const result = await c.confirm(payment.qrContent ?? '', payment.amountFen)
    if (result === 'paid') await c.waitOrder(order.id, isPaid, 8000)
  },

  async 'two-codes'(c) {
    const order = await c.newOrder()
    const first = await c.qr(order, 'wechat')
    const second = await c.qr(order, c.pick(['alipay', 'unionpay']))
    if (c.chance(0.5)) {
      await c.setOutcome(first, 'succeed_silently')
      await c.setOutcome(second, 'succeed_silently')
    }
    const results = await both(
      c.confirm(first.qrContent ?? '', first.amountFen),
      c.confirm(second.qrContent ?? '', second.amountFen),
    )
    const paidTwice = results.every((r) => r === 'paid')
    await c.waitOrder(
      order.id,
      (o) => isPaid(o) && (!paidTwice || o.refunds.some((r) => r.status === 'succeeded')),
      10_000,
    )
  },

  async 'payment-code'(c) {
    const order = await c.newOrder()
    const wallet = c.pick(['wechat', 'alipay', 'unionpay'] as const)
    const kind = c.weighted({ atOnce: 5, password: 2, neverConfirmed: 1.5, declined: 1.5 })
    const suffix = kind === 'atOnce' ? String(c.int(4, 9999)).padStart(4, '0') : CODE_SUFFIX[kind]
    const payment = await c.pay(order, { method: 'payment-code', authCode: c.paymentCode(wallet, suffix) })
    if (kind === 'password') await c.waitOrder(order.id, isPaid, 12_000)
    if (kind === 'neverConfirmed' && c.chance(0.4)) {
      const closed = c.expect(await c.keyed('payments.close', 'POST', `/api/payments/${payment.id}/close`, {}), 200)
      c.rememberAttempt(bodyOf<Payment>(closed))
    }
  },

  async cash(c) {
    const order = await c.newOrder()
    const payment = await c.pay(order, { wallet: 'cash', method: 'cash', tenderedFen: order.totalFen + c.int(0, 5000) })
    if (payment.status !== 'succeeded') c.violation(`cash payment ${payment.id} was answered ${payment.status}`)
    await c.order(order.id)
  },

  async cancel(c) {
    const order = await c.newOrder()
    const payment = c.chance(0.6) ? await c.qr(order, c.pick(QR_WALLETS)) : null
    const racing = payment !== null && c.chance(0.4)
    const [cancelled, paid] = await both(
      c.keyed('orders.cancel', 'POST', `/api/orders/${order.id}/cancel`, {}),
      racing && payment ? c.confirm(payment.qrContent ?? '', payment.amountFen) : Promise.resolve(null),
    )
    if (cancelled.status === 200) {
      const status = bodyOf<OrderDetail>(cancelled).status
      if (status !== 'cancelled') c.violation(`cancel of ${order.id} answered ${status}`)
      else c.ledger.claim({ kind: 'order-status', orderId: order.id, status: 'cancelled' })
      // A cancelled order's codes were closed at the wallet first: paying one now must take nothing.
      if (payment && !racing && c.chance(0.5)) {
        const late = await c.confirm(payment.qrContent ?? '', payment.amountFen)
        if (late === 'paid') c.violation(`the code ${payment.id} of cancelled order ${order.id} took money`)
      }
    }
    if (paid === 'paid' || cancelled.status !== 200)
      await c.waitOrder(order.id, (o) => o.status !== 'awaiting_payment', 5000)
  },

  async close(c) {
    const order = await c.newOrder()
    const payment = await c.qr(order, c.pick(QR_WALLETS))
    const racing = c.chance(0.4)
    const [closed] = await both(
      c.keyed('payments.close', 'POST', `/api/payments/${payment.id}/close`, {}),
      racing ? c.confirm(payment.qrContent ?? '', payment.amountFen) : Promise.resolve(null),
    )
    c.expect(closed, 200)
    const after = bodyOf<Payment>(closed)
    c.rememberAttempt(after)
    if (after.status === 'closed' && !racing && c.chance(0.5)) {
      const late = await c.confirm(payment.qrContent ?? '', payment.amountFen)
      if (late === 'paid') c.violation(`the closed code ${payment.id} took money`)
    }
    await c.order(order.id)
  },

  async 'friend-pay'(c) {
    const order = await c.newOrder()
    const mode = c.weighted({ open: 3, 'name-initial': 1 })
    const created = c.expect(
      await c.keyed('friendPay.create', 'POST', `/api/orders/${order.id}/friend-pay`, {
        requesterName: '王小明',
        mode,
      }),
      201,
    )
    const request = bodyOf<FriendPayRequest>(created)
    if (request.amountFen !== order.totalFen) {
      c.violation(`friend-pay ${request.id} asks ${request.amountFen} fen for order ${order.id} of ${order.totalFen}`)
    }
    c.rememberFriendPay(request)
    const ref = new URL(request.url).pathname
    const form: Record<string, string> = { wallet: c.pick(['wechat', 'alipay']) }
    if (mode === 'name-initial') {
      const verified = await c.page('POST', `${ref}/verify`, NEUTRAL_UA, { answer: '王' })
      const proof = /name="proof" value="([^"]+)"/.exec(verified.text)?.[1]
      if (!proof) throw new FlowEnded()
      form.proof = proof
    }
    const how = c.weighted({ paid: 4, 'paid-and-cash': 1, cancelled: 1 })
    const chosen = await c.page('POST', `${ref}/pay`, NEUTRAL_UA, form)
    if (chosen.status !== 303 || !chosen.location) throw new FlowEnded()
    const code = chosen.location
    if (how === 'paid') {
      const result = await c.confirm(code, order.totalFen)
      if (result === 'paid') await c.waitOrder(order.id, isPaid, 8000)
    } else if (how === 'paid-and-cash') {
      // The friend pays while the cashier takes cash: one of the two is given back.
      const [result] = await both(
        c.confirm(code, order.totalFen),
        c.keyed('payments.create', 'POST', `/api/orders/${order.id}/payments`, {
          wallet: 'cash',
          method: 'cash',
          tenderedFen: order.totalFen,
        }),
      )
      await c.waitOrder(
        order.id,
        (o) =>
          isPaid(o) &&
          (result !== 'paid' || o.attempts.filter((a) => a.status === 'succeeded').length < 2 || o.refunds.length > 0),
        8000,
      )
    } else {
      const cancelled = c.expect(
        await c.keyed('friendPay.cancel', 'POST', `/api/friend-pay/${request.id}/cancel`, {}),
        200,
      )
      const ended = bodyOf<FriendPayRequest>(cancelled)
      c.rememberFriendPay(ended)
      // Its codes were closed at the wallet before the request ended: paying one now must take nothing.
      if (ended.status === 'cancelled' && c.chance(0.5)) {
        const late = await c.confirm(code, order.totalFen)
        if (late === 'paid') c.violation(`a code of cancelled friend-pay ${request.id} took money`)
      }
    }
    const after = c.expect(await c.api('GET', `/api/friend-pay/${request.id}`), 200)
    c.rememberFriendPay(bodyOf<FriendPayRequest>(after))
  },

  async aggregate(c) {
    const order = await c.newOrder()
    const created = c.expect(
      await c.keyed('payments.create', 'POST', `/api/orders/${order.id}/payments`, { method: 'aggregate' }),
      201,
    )
    const code = bodyOf<Payment>(created)
    c.ledger.claim({ kind: 'aggregate', id: code.id, orderId: order.id })
    const ua = c.pick([WECHAT_UA, ALIPAY_UA])
    const landing = await c.page('GET', new URL(code.qrContent ?? '').pathname, ua)
    if (landing.status !== 302 || !landing.location) throw new FlowEnded()
    const result = await c.confirm(new URL(landing.location, 'http://127.0.0.1').href, order.totalFen, ua)
    if (result === 'paid') await c.waitOrder(order.id, isPaid, 8000)
  },

  async replay(c) {
    await c.replay()
  },
}
