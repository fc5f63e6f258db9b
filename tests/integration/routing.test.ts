import { afterEach, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import type { AuditEntry } from '../../src/shared/api/schemas'
import { testEngine } from '../support/engine'
import { customerPays } from '../support/simulator'
import { configure, option, optionsOf, order, walletConfig } from '../support/routing'

let t: ReturnType<typeof testEngine>
afterEach(async () => t?.dispose())

const account = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  label: id,
  merchantId: `M-${id}`,
  priority: 0,
  splitPercent: 0,
  feeRateBp: null,
  enabled: true,
  ...extra,
})

describe('unavailable wallets carry a coded reason', () => {
  it('NOT_SIGNED: only signed wallets are offered', async () => {
    t = testEngine()
    await configure(t.engine, 'wechat', { contractStatus: 'pending' })
    const o = await order(t.engine, { amountFen: 1000 })
    expect(await option(t.engine, o.id, 'wechat')).toMatchObject({
      available: false,
      reason: 'NOT_SIGNED',
      reasonDetail: 'pending',
    })
  })

  it('AMOUNT_BELOW_MIN and AMOUNT_ABOVE_MAX', async () => {
    t = testEngine()
    await configure(t.engine, 'wechat', { minFen: 500, maxFen: 2000 })
    const small = await order(t.engine, { amountFen: 499 })
    const fine = await order(t.engine, { amountFen: 500 })
    const big = await order(t.engine, { amountFen: 2001 })
    expect((await option(t.engine, small.id, 'wechat')).reason).toBe('AMOUNT_BELOW_MIN')
    expect((await option(t.engine, fine.id, 'wechat')).available).toBe(true)
    expect((await option(t.engine, big.id, 'wechat')).reason).toBe('AMOUNT_ABOVE_MAX')
  })

  it('DAILY_CAP_REACHED once the wallet has taken its cap today', async () => {
    t = testEngine()
    await configure(t.engine, 'cash', { dailyCapFen: 1500 })
    const first = await order(t.engine, { amountFen: 1000 })
    await t.engine.invoke('payments.create', { id: first.id, wallet: 'cash', tenderedFen: 1000 })
    const second = await order(t.engine, { amountFen: 600 })
    const third = await order(t.engine, { amountFen: 500 })
    expect((await option(t.engine, second.id, 'cash')).reason).toBe('DAILY_CAP_REACHED')
    expect((await option(t.engine, third.id, 'cash')).available).toBe(true)
    // The next business day (midnight in Asia/Shanghai) starts from zero.
    t.clock.advance(24 * 3600_000)
    const tomorrow = await order(t.engine, { amountFen: 600 })
    expect((await option(t.engine, tomorrow.id, 'cash')).available).toBe(true)
  })

  it('counts net takings toward the daily cap: money refunded (a second code paid) frees the cap again', async () => {
    t = testEngine({ simulator: { defaultOutcome: 'succeed_silently' } })
    await configure(t.engine, 'wechat', { dailyCapFen: 1500 })
    const paidTwice = await order(t.engine, { amountFen: 1000 })
    const one = await t.engine.invoke('payments.create', { id: paidTwice.id, wallet: 'wechat' })
    const two = await t.engine.invoke('payments.create', { id: paidTwice.id, wallet: 'wechat' })
    await customerPays(t.engine, one.qrContent)
    await customerPays(t.engine, two.qrContent)
    await t.engine.sweep()
    await t.engine.idle()
    const refunds = (await t.engine.invoke('orders.get', { id: paidTwice.id })).refunds
    expect(refunds).toEqual([expect.objectContaining({ amountFen: 1000, reason: 'duplicate_payment' })])
    // 2,000 fen came in, 1,000 went back: 1,000 taken, so 400 more fit under 1,500 and 600 do not.
    expect((await option(t.engine, (await order(t.engine, { amountFen: 400 })).id, 'wechat')).available).toBe(true)
    expect((await option(t.engine, (await order(t.engine, { amountFen: 600 })).id, 'wechat')).reason).toBe(
      'DAILY_CAP_REACHED',
    )
  })

  it('PRODUCT_EXCLUDED by category, by SKU, and by an allow-list', async () => {
    t = testEngine()
    const o = await order(t.engine, {
      lines: [
        { sku: 'DLY-002', quantity: 1 },
        { sku: 'BRK-001', quantity: 1 },
      ],
    })
    await configure(t.engine, 'wechat', {
      productRules: { onlyCategories: [], excludeCategories: ['日用'], excludeSkus: [] },
    })
    await configure(t.engine, 'alipay', {
      productRules: { onlyCategories: [], excludeCategories: [], excludeSkus: ['BRK-001'] },
    })
    await configure(t.engine, 'unionpay', {
      productRules: { onlyCategories: ['早餐'], excludeCategories: [], excludeSkus: [] },
    })
    expect(await option(t.engine, o.id, 'wechat')).toMatchObject({ reason: 'PRODUCT_EXCLUDED', reasonDetail: '日用' })
    expect(await option(t.engine, o.id, 'alipay')).toMatchObject({
      reason: 'PRODUCT_EXCLUDED',
      reasonDetail: 'BRK-001',
    })
    expect(await option(t.engine, o.id, 'unionpay')).toMatchObject({ reason: 'PRODUCT_EXCLUDED', reasonDetail: '日用' })
    const breakfast = await order(t.engine, { lines: [{ sku: 'BRK-002', quantity: 1 }] })
    expect((await option(t.engine, breakfast.id, 'unionpay')).available).toBe(true)
  })

  it('NOT_IN_ROLLOUT for customers outside the staged share', async () => {
    t = testEngine()
    await configure(t.engine, 'unionpay', { rolloutPercent: 0 })
    const o = await order(t.engine, { amountFen: 100, customerRef: 'member-1' })
    expect((await option(t.engine, o.id, 'unionpay')).reason).toBe('NOT_IN_ROLLOUT')
  })

  it('CHANNEL_UNAVAILABLE when no channel serves the mode (no real adapter yet)', async () => {
    t = testEngine()
    await configure(t.engine, 'wechat', { mode: 'production' })
    const o = await order(t.engine, { amountFen: 100 })
    expect(await option(t.engine, o.id, 'wechat')).toMatchObject({
      reason: 'CHANNEL_UNAVAILABLE',
      reasonDetail: 'production',
    })
  })

  it('NO_ACCOUNT when every merchant account is disabled', async () => {
    t = testEngine()
    const config = await walletConfig(t.engine, 'alipay')
    await configure(t.engine, 'alipay', { accounts: config.accounts.map((a) => ({ ...a, enabled: false })) })
    const o = await order(t.engine, { amountFen: 100 })
    expect((await option(t.engine, o.id, 'alipay')).reason).toBe('NO_ACCOUNT')
  })

  it('CHANNEL_UNHEALTHY when every account keeps failing, and healthy again after the cooldown', async () => {
    t = testEngine()
    t.engine.simulator.setAccountOutage('SIM-WX-0001', true)
    for (let i = 0; i < 5; i++) {
      const o = await order(t.engine, { amountFen: 100 })
      await expect(t.engine.invoke('payments.create', { id: o.id, wallet: 'wechat' })).rejects.toMatchObject({
        code: 'PROVIDER_ERROR',
      })
    }
    const o = await order(t.engine, { amountFen: 100 })
    expect((await option(t.engine, o.id, 'wechat')).reason).toBe('CHANNEL_UNHEALTHY')
    t.clock.advance(5 * 60_000)
    expect((await option(t.engine, o.id, 'wechat')).available).toBe(true)
  })

  it('CONTEXT_UNSUPPORTED: cash cannot pay an online order, and online orders have no payment codes', async () => {
    t = testEngine()
    const o = await order(t.engine, { amountFen: 100, context: 'online' })
    expect((await option(t.engine, o.id, 'cash')).reason).toBe('CONTEXT_UNSUPPORTED')
    expect((await option(t.engine, o.id, 'wechat')).methods).toEqual(['qr', 'friend-pay'])
    const counter = await order(t.engine, { amountFen: 100 })
    expect((await option(t.engine, counter.id, 'wechat')).methods).toEqual(['qr', 'payment-code', 'friend-pay'])
  })

  it('lists available wallets first by rank, then unavailable ones', async () => {
    t = testEngine()
    const o = await order(t.engine, { amountFen: 100 })
    const options = await optionsOf(t.engine, o.id)
    const firstUnavailable = options.findIndex((x) => !x.available)
    expect(options.slice(firstUnavailable).every((x) => !x.available)).toBe(true)
    expect(options.slice(0, firstUnavailable).map((x) => x.rank)).toEqual([1, 2, 3, 4])
  })
})

describe('fees and customer cost', () => {
  it('computes the merchant fee from the rate in basis points, rounding half up', async () => {
    t = testEngine()
    const o = await order(t.engine, { amountFen: 1250 }) // 0.6 % of ¥12.50 = 7.5 fen → 8
    expect(await option(t.engine, o.id, 'wechat')).toMatchObject({ merchantFeeFen: 8, customerCostFen: 1250 })
    expect(await option(t.engine, o.id, 'cash')).toMatchObject({ merchantFeeFen: 0, customerCostFen: 1250 })
  })

  it('an account may have its own rate', async () => {
    t = testEngine()
    await configure(t.engine, 'wechat', { accounts: [account('cheap', { feeRateBp: 20, splitPercent: 100 })] })
    const o = await order(t.engine, { amountFen: 10_000 })
    expect(await option(t.engine, o.id, 'wechat')).toMatchObject({ merchantFeeFen: 20, accountId: 'cheap' })
  })

  it('offers Huabei plans whose periods sum to what the customer repays', async () => {
    t = testEngine()
    const o = await order(t.engine, { amountFen: 10_001 })
    const huabei = await option(t.engine, o.id, 'huabei')
    expect(huabei.available).toBe(true)
    expect(huabei.methods).toEqual(['qr', 'installments'])
    expect(huabei.installmentPlans!.map((p) => p.periods)).toEqual([3, 6, 12])
    for (const plan of huabei.installmentPlans!) {
      expect(plan.schedule.reduce((sum, p) => sum + p.amountFen, 0)).toBe(plan.customerTotalFen)
      expect(plan.customerTotalFen).toBe(10_001 + plan.feeFen) // the demo has the customer bear the fee
    }
    expect(huabei.installmentPlans![0]).toMatchObject({
      feeFen: 180,
      firstPeriodFen: 3335 + 60,
      laterPeriodFen: 3333 + 60,
    })
  })

  it('when the merchant bears the Huabei fee, the customer pays the order total only (免息)', async () => {
    t = testEngine()
    const config = await walletConfig(t.engine, 'huabei')
    await configure(t.engine, 'huabei', { huabei: { ...config.huabei!, feeBearer: 'merchant' } })
    const o = await order(t.engine, { amountFen: 12_000 })
    const huabei = await option(t.engine, o.id, 'huabei')
    expect(huabei.customerCostFen).toBe(12_000)
    expect(huabei.merchantFeeFen).toBe(72 + 216) // 0.6 % + 1.8 % for 3 periods
  })
})

describe('ranking strategies', () => {
  it('merchant priority: the display order decides', async () => {
    t = testEngine()
    await t.engine.invoke('routing.update', {
      ...(await t.engine.invoke('routing.get', {})),
      ranking: ['priority'],
    })
    await configure(t.engine, 'unionpay', { displayOrder: 0 })
    await configure(t.engine, 'wechat', { displayOrder: 5 })
    const o = await order(t.engine, { amountFen: 1000 })
    const options = await optionsOf(t.engine, o.id)
    expect(options[0]).toMatchObject({ wallet: 'unionpay', rank: 1, rankReasons: ['priority:0'] })
  })

  it('lowest merchant cost first', async () => {
    t = testEngine()
    await t.engine.invoke('routing.update', {
      ...(await t.engine.invoke('routing.get', {})),
      ranking: ['lowest_cost', 'priority'],
    })
    const o = await order(t.engine, { amountFen: 10_000 })
    const options = (await optionsOf(t.engine, o.id)).filter((x) => x.available)
    expect(options.map((x) => [x.wallet, x.merchantFeeFen])).toEqual([
      ['cash', 0],
      ['unionpay', 38],
      ['wechat', 60],
      ['alipay', 60],
      ['huabei', 60 + 0],
    ])
    expect(options[1]!.rankReasons).toEqual(['lowest_cost:38', 'priority:3'])
  })

  it("the customer's last-used wallet first", async () => {
    t = testEngine()
    const before = await order(t.engine, { amountFen: 100, customerRef: 'member-7' })
    const payment = (await t.engine.invoke('payments.create', { id: before.id, wallet: 'alipay' })) as {
      qrContent: string
    }
    t.engine.simulator.confirm(new URL(payment.qrContent).pathname.split('/').pop()!)
    await t.engine.idle()
    const next = await order(t.engine, { amountFen: 100, customerRef: 'member-7' })
    const options = await optionsOf(t.engine, next.id)
    expect(options[0]).toMatchObject({ wallet: 'alipay', rank: 1 })
    expect(options[0]!.rankReasons[0]).toBe('last_used:yes')
    const stranger = await order(t.engine, { amountFen: 100, customerRef: 'member-8' })
    expect((await optionsOf(t.engine, stranger.id))[0]!.wallet).toBe('wechat')
  })

  it('is deterministic: the same order and state give the same answer', async () => {
    t = testEngine()
    const o = await order(t.engine, { amountFen: 12_345, customerRef: 'c-1' })
    expect(await optionsOf(t.engine, o.id)).toEqual(await optionsOf(t.engine, o.id))
  })
})

describe('account strategies', () => {
  it('priority with fallback: a failing account is demoted, the next takes over, then it is retried', async () => {
    t = testEngine()
    await configure(t.engine, 'wechat', {
      accountStrategy: 'priority',
      accounts: [account('a', { priority: 0 }), account('b', { priority: 1 })],
    })
    const probe = await order(t.engine, { amountFen: 100 })
    expect((await option(t.engine, probe.id, 'wechat')).accountId).toBe('a')
    t.engine.simulator.setAccountOutage('M-a', true)
    for (let i = 0; i < 5; i++) {
      const o = await order(t.engine, { amountFen: 100 })
      await expect(t.engine.invoke('payments.create', { id: o.id, wallet: 'wechat' })).rejects.toMatchObject({
        code: 'PROVIDER_ERROR',
      })
    }
    expect((await option(t.engine, probe.id, 'wechat')).accountId).toBe('b')
    const payment = (await t.engine.invoke('payments.create', { id: probe.id, wallet: 'wechat' })) as { id: string }
    expect(((await t.engine.invoke('payments.get', { id: payment.id })) as { accountId: string }).accountId).toBe('b')
    t.clock.advance(5 * 60_000)
    t.engine.simulator.setAccountOutage('M-a', false)
    expect((await option(t.engine, probe.id, 'wechat')).accountId).toBe('a')
  })

  it('volume split by percentages, stable per order', async () => {
    t = testEngine()
    await configure(t.engine, 'alipay', {
      accountStrategy: 'split',
      accounts: [account('x', { splitPercent: 70 }), account('y', { splitPercent: 30 })],
    })
    const counts = { x: 0, y: 0 } as Record<'x' | 'y', number>
    for (let i = 0; i < 300; i++) {
      const o = await order(t.engine, { amountFen: 100 + i })
      const chosen = (await option(t.engine, o.id, 'alipay')).accountId!
      expect((await option(t.engine, o.id, 'alipay')).accountId).toBe(chosen)
      counts[chosen as 'x' | 'y']++
    }
    expect(counts.x).toBeGreaterThan(170)
    expect(counts.x).toBeLessThan(250)
    expect(counts.x + counts.y).toBe(300)
  })

  it('refuses split percentages that do not add up to 100, and changes nothing', async () => {
    t = testEngine()
    const before = await walletConfig(t.engine, 'alipay')
    await expect(
      configure(t.engine, 'alipay', {
        accountStrategy: 'split',
        accounts: [account('x', { splitPercent: 60 }), account('y', { splitPercent: 30 })],
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    expect(await walletConfig(t.engine, 'alipay')).toEqual(before)
  })

  it('least cost picks the cheapest enabled account', async () => {
    t = testEngine()
    await configure(t.engine, 'unionpay', {
      accountStrategy: 'least_cost',
      accounts: [
        account('std', { priority: 0 }),
        account('promo', { priority: 5, feeRateBp: 10 }),
        account('off', { feeRateBp: 1, enabled: false }),
      ],
    })
    const o = await order(t.engine, { amountFen: 10_000 })
    expect(await option(t.engine, o.id, 'unionpay')).toMatchObject({ accountId: 'promo', merchantFeeFen: 10 })
  })

  it('success rate prefers the account that succeeds more often in the window', async () => {
    t = testEngine()
    await configure(t.engine, 'wechat', {
      accountStrategy: 'success_rate',
      accounts: [account('p', { priority: 0 }), account('q', { priority: 1 })],
    })
    // Without history both rate 100 % and priority breaks the tie: p. One failure (far from demotion)
    // drops p to 0 %, so the next payment goes through q.
    t.engine.simulator.setAccountOutage('M-p', true)
    const first = await order(t.engine, { amountFen: 100 })
    expect((await option(t.engine, first.id, 'wechat')).accountId).toBe('p')
    await expect(t.engine.invoke('payments.create', { id: first.id, wallet: 'wechat' })).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
    })
    t.engine.simulator.setAccountOutage('M-p', false)
    const o = await order(t.engine, { amountFen: 100 })
    expect((await option(t.engine, o.id, 'wechat')).accountId).toBe('q')
    const paid = (await t.engine.invoke('payments.create', { id: o.id, wallet: 'wechat' })) as { id: string }
    expect(((await t.engine.invoke('payments.get', { id: paid.id })) as { accountId: string }).accountId).toBe('q')
    // Outside the window the failures no longer count and priority breaks the tie.
    t.clock.advance(31 * 60_000)
    expect((await option(t.engine, o.id, 'wechat')).accountId).toBe('p')
  })
})

describe('staged rollout', () => {
  it('admits a stable share of customers, and raising the share never drops anyone', async () => {
    t = testEngine()
    const customers = Array.from({ length: 200 }, (_, i) => `member-${i}`)
    const admitted = async (percent: number) => {
      await configure(t.engine, 'unionpay', { rolloutPercent: percent })
      const ins = new Set<string>()
      for (const customer of customers) {
        const o = await order(t.engine, { amountFen: 100, customerRef: customer })
        if ((await option(t.engine, o.id, 'unionpay')).available) ins.add(customer)
      }
      return ins
    }
    const at30 = await admitted(30)
    const again = await admitted(30)
    const at60 = await admitted(60)
    expect([...again]).toEqual([...at30])
    expect(at30.size).toBeGreaterThan(40)
    expect(at30.size).toBeLessThan(80)
    for (const customer of at30) expect(at60.has(customer)).toBe(true)
    expect(at60.size).toBeGreaterThan(at30.size)
  })

  it('an anonymous order is admitted only at 100 %', async () => {
    t = testEngine()
    await configure(t.engine, 'unionpay', { rolloutPercent: 99 })
    const o = await order(t.engine, { amountFen: 100 })
    expect((await option(t.engine, o.id, 'unionpay')).reason).toBe('NOT_IN_ROLLOUT')
  })
})

describe('configuration changes', () => {
  it('take effect for new options at once and are audited', async () => {
    t = testEngine()
    const o = await order(t.engine, { amountFen: 100 })
    expect((await option(t.engine, o.id, 'wechat')).available).toBe(true)
    await configure(t.engine, 'wechat', { accepted: false })
    expect((await optionsOf(t.engine, o.id)).some((x) => x.wallet === 'wechat')).toBe(false)
    const { entries } = (await t.engine.invoke('audit.list', {})) as { entries: z.output<typeof AuditEntry>[] }
    expect(entries[0]).toMatchObject({
      entity: 'wallet',
      entityId: 'wechat',
      before: { accepted: true },
      after: { accepted: false },
    })
  })

  it.each([
    ['a negative fee rate', { feeRateBp: -1 }],
    ['a fractional fee rate', { feeRateBp: 0.5 }],
    ['min above max', { minFen: 500, maxFen: 100 }],
    ['rollout above 100', { rolloutPercent: 101 }],
    ['duplicate account ids', { accounts: [account('a', { splitPercent: 100 }), account('a')] }],
    [
      'Huabei settings on WeChat',
      { huabei: { periods: [3], feeBearer: 'merchant', feeRatesBp: { 3: 1, 6: 1, 12: 1 }, minOrderFen: 0 } },
    ],
  ])('refuses %s with a coded error and changes nothing', async (_label, patch) => {
    t = testEngine()
    const before = await walletConfig(t.engine, 'wechat')
    await expect(configure(t.engine, 'wechat', patch as never)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    expect(await walletConfig(t.engine, 'wechat')).toEqual(before)
    expect(((await t.engine.invoke('audit.list', {})) as { entries: unknown[] }).entries).toEqual([])
  })

  it('refuses routing settings with a repeated criterion', async () => {
    t = testEngine()
    const current = await t.engine.invoke('routing.get', {})
    await expect(
      t.engine.invoke('routing.update', { ...current, ranking: ['priority', 'priority'] }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    })
  })
})
