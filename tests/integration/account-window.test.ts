import { afterEach, describe, expect, it } from 'vitest'
import type { Order } from '../../src/shared/api/types'
import type { AttemptStatus } from '../../src/shared/states'
import {
  ACCOUNT_WINDOW_SIZE,
  ACCOUNT_WINDOW_SQL,
  accountWindow,
  accountOutcomesSince,
  getAttemptRow,
  insertAttempt,
  markUserPaying,
  transitionAttempt,
} from '../../src/engine/payments/queries'
import { START, testEngine } from '../support/engine'

let t: ReturnType<typeof testEngine>
afterEach(async () => t?.dispose())

/** The window as SQL sums it, straight from the table, ties in the index's order: what routing read before. */
function healthFromTable(wallet: string, accountId: string, since: number) {
  const row = t.engine.db
    .prepare(
      `SELECT COALESCE(SUM(status = 'succeeded'), 0) AS successes,
         COALESCE(SUM(status = 'failed' AND COALESCE(failure_code, '') NOT IN ('PAYERROR', 'DECLINED')), 0) AS failures,
         MAX(CASE WHEN status = 'failed' AND COALESCE(failure_code, '') NOT IN ('PAYERROR', 'DECLINED')
             THEN failed_at END) AS last_failure_at
       FROM (SELECT status, failure_code, failed_at, updated_at FROM payment_attempts
             WHERE wallet = ? AND account_id = ? AND updated_at >= ? ORDER BY updated_at DESC LIMIT ${ACCOUNT_WINDOW_SIZE})`,
    )
    .get(wallet, accountId, since) as { successes: number; failures: number; last_failure_at: number | null }
  return { successes: row.successes, failures: row.failures, lastFailureAt: row.last_failure_at }
}

/** A small deterministic generator, so a failing sequence can be replayed. */
function random(seed: number): (n: number) => number {
  let state = seed
  return (n) => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31
    return state % n
  }
}

const ACCOUNTS = [
  ['wechat', 'main'],
  ['alipay', 'main'],
] as const
const simulated = {
  method: 'qr',
  provider: 'simulator',
  mode: 'simulator',
  merchantFeeFen: 0,
  expiresAt: START + 60_000,
} as const
const FAILURES = [null, 'DECLINED', 'PAYERROR', 'PROVIDER_ERROR', 'TIMEOUT'] as const

describe('the account health window routing keeps in memory', () => {
  it.each([1, 2, 3])(
    'is what the table says after every write, with many payments in one millisecond (seed %i)',
    async (seed) => {
      t = testEngine()
      const pick = random(seed)
      const orders: Order[] = []
      for (let i = 0; i < 8; i++) orders.push(await t.engine.invoke('orders.create', { amountFen: 100 + i }))
      const db = t.engine.db
      const ids: string[] = []
      // Few distinct times (ties everywhere), sometimes earlier than the last: the clock may be set back.
      let now = START
      for (let step = 0; step < 1500; step++) {
        now += [0, 0, 0, 0, 0, 1, 9, -2][pick(8)]!
        const [wallet, accountId] = ACCOUNTS[pick(ACCOUNTS.length)]!
        const unfinished = ids.filter((id) => ['created', 'pending'].includes(getAttemptRow(db, id)!.status))
        t.engine.events.unitOfWork(() => {
          if (!unfinished.length || pick(3) === 0) {
            const id = `pay_${seed}_${step}`
            const order = orders[pick(orders.length)]!
            insertAttempt(
              db,
              {
                ...simulated,
                id,
                orderId: order.id,
                wallet,
                accountId,
                amountFen: order.totalFen,
                expiresAt: now + 60_000,
              },
              now,
            )
            ids.push(id)
            return
          }
          const attempt = getAttemptRow(db, unfinished[pick(unfinished.length)]!)!
          const to: AttemptStatus = (['pending', 'succeeded', 'failed', 'closed'] as const)[pick(4)]!
          if (attempt.status === 'pending' && pick(4) === 0) return void markUserPaying(db, attempt.id, now)
          const failureCode = to === 'failed' ? (FAILURES[pick(FAILURES.length)] ?? undefined) : undefined
          transitionAttempt(db, attempt.id, attempt.status, to, now, { failureCode })
        })
        for (const [w, a] of ACCOUNTS) {
          // Routing reads the window since a moment that moves on with the clock.
          const since = now - 60
          const read = db.prepare(ACCOUNT_WINDOW_SQL).all(w, a, since) as { rowid: number }[]
          expect(
            accountWindow(db, w, a, since).map((e) => e.rowid),
            `step ${step}, ${w}/${a}`,
          ).toEqual(read.map((e) => e.rowid))
          expect(accountOutcomesSince(db, w, a, since), `step ${step}, ${w}/${a}`).toEqual(healthFromTable(w, a, since))
        }
      }
    },
  )

  it('lets a payment that sorts below its full window give its place to the next one in the table', async () => {
    t = testEngine()
    const db = t.engine.db
    const order = await t.engine.invoke('orders.create', { amountFen: 100 })
    const since = START - 1000
    t.engine.events.unitOfWork(() => {
      for (let i = 0; i <= ACCOUNT_WINDOW_SIZE; i++) {
        const attempt = {
          ...simulated,
          id: `pay_${i}`,
          orderId: order.id,
          wallet: 'wechat' as const,
          accountId: 'main',
        }
        insertAttempt(db, { ...attempt, amountFen: 100 }, START)
      }
    })
    const before = accountWindow(db, 'wechat', 'main', since).map((e) => e.rowid)
    expect(before).toHaveLength(ACCOUNT_WINDOW_SIZE)
    // Closed in the same millisecond, the newest payment now sorts below every created one: the oldest comes back.
    t.engine.events.unitOfWork(() => transitionAttempt(db, `pay_${ACCOUNT_WINDOW_SIZE}`, 'created', 'closed', START))
    const read = db.prepare(ACCOUNT_WINDOW_SQL).all('wechat', 'main', since) as { rowid: number }[]
    expect(accountWindow(db, 'wechat', 'main', since).map((e) => e.rowid)).toEqual(read.map((e) => e.rowid))
    expect(read.map((e) => e.rowid)).not.toContain(before[0])
  })

  it('forgets what an undone write did', async () => {
    t = testEngine()
    const db = t.engine.db
    const order = await t.engine.invoke('orders.create', { amountFen: 100 })
    const since = START - 1000
    expect(accountOutcomesSince(db, 'wechat', 'main', since)).toEqual({
      successes: 0,
      failures: 0,
      lastFailureAt: null,
    })
    expect(() =>
      t.engine.events.unitOfWork(() => {
        insertAttempt(
          db,
          { ...simulated, id: 'pay_undone', orderId: order.id, wallet: 'wechat', accountId: 'main', amountFen: 100 },
          START,
        )
        transitionAttempt(db, 'pay_undone', 'created', 'failed', START, { failureCode: 'TIMEOUT' })
        expect(accountOutcomesSince(db, 'wechat', 'main', since).failures).toBe(1)
        throw new Error('undone')
      }),
    ).toThrow('undone')
    expect(accountOutcomesSince(db, 'wechat', 'main', since)).toEqual(healthFromTable('wechat', 'main', since))
    expect(accountOutcomesSince(db, 'wechat', 'main', since).failures).toBe(0)
  })
})
