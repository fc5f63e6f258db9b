import { describe, expect, it } from 'vitest'
import type { WalletConfig } from '../../../src/shared/api/types'
import { UpdateWalletInput } from '../../../src/shared/api/schemas'
import { changedFields } from '../../../src/renderer/src/lib/audit'
import {
  fromRuleDrafts,
  fromWalletDraft,
  moveInOrder,
  moveItem,
  newAccountDraft,
  serverIssuesToFormErrors,
  toRuleDrafts,
  toWalletDraft,
} from '../../../src/renderer/src/lib/walletForm'

const wechat: WalletConfig = {
  wallet: 'wechat',
  accepted: true,
  contractStatus: 'signed',
  mode: 'simulator',
  displayOrder: 0,
  feeRateBp: 60,
  minFen: 0,
  maxFen: 500_000,
  dailyCapFen: null,
  rolloutPercent: 100,
  productRules: { onlyCategories: [], excludeCategories: ['日用'], excludeSkus: ['DRK-003'] },
  accounts: [
    {
      id: 'main',
      label: '主账户',
      merchantId: 'SIM-WX-0001',
      priority: 0,
      splitPercent: 100,
      feeRateBp: null,
      enabled: true,
    },
  ],
  accountStrategy: 'priority',
  huabei: null,
  refundWindowDays: null,
  friendPay: true,
}

const huabei: WalletConfig = {
  ...wechat,
  wallet: 'huabei',
  displayOrder: 2,
  huabei: {
    periods: [3, 6, 12],
    feeBearer: 'customer',
    feeRatesBp: { '3': 180, '6': 450, '12': 750 },
    minOrderFen: 10_000,
  },
}

describe('wallet settings form', () => {
  it('round-trips a stored configuration unchanged, and the result passes the contract', () => {
    for (const config of [wechat, huabei]) {
      const result = fromWalletDraft(config.wallet, config.displayOrder, toWalletDraft(config))
      expect(result).toEqual({ ok: true, value: config })
      expect(UpdateWalletInput.safeParse(result.ok && result.value).success).toBe(true)
    }
  })

  it('shows amounts in yuan and rates as percentages', () => {
    const draft = toWalletDraft(huabei)
    expect(draft.feeRate).toBe('0.60')
    expect(draft.maxYuan).toBe('5000.00')
    expect(draft.minYuan).toBe('')
    expect(draft.dailyCapYuan).toBe('')
    expect(draft.huabei?.feeRates).toEqual({ '3': '1.80', '6': '4.50', '12': '7.50' })
    expect(draft.huabei?.minOrderYuan).toBe('100.00')
  })

  it('stores edited text as integer fen and basis points', () => {
    const draft = { ...toWalletDraft(wechat), feeRate: '0.38', minYuan: '1', maxYuan: '2000.5', dailyCapYuan: '30000' }
    const result = fromWalletDraft('wechat', 0, draft)
    expect(result.ok && result.value).toMatchObject({
      feeRateBp: 38,
      minFen: 100,
      maxFen: 200_050,
      dailyCapFen: 3_000_000,
    })
  })

  it('keeps a refund window in whole days, empty for as long as the wallet allows', () => {
    const days = (refundWindowDays: string) =>
      fromWalletDraft('wechat', 0, { ...toWalletDraft(wechat), refundWindowDays })
    expect(days(' 30 ')).toMatchObject({ ok: true, value: { refundWindowDays: 30 } })
    expect(days('')).toMatchObject({ ok: true, value: { refundWindowDays: null } })
    for (const bad of ['7.5', 'abc', '0', '99999']) {
      const result = days(bad)
      expect(result.ok, bad).toBe(false)
      expect(!result.ok && result.errors.map((e) => e.field), bad).toEqual(['refundWindowDays'])
    }
    expect(toWalletDraft({ ...wechat, refundWindowDays: 90 }).refundWindowDays).toBe('90')
  })

  it('reports every bad field with a code instead of saving', () => {
    const draft = {
      ...toWalletDraft(wechat),
      feeRate: '0.605',
      minYuan: '10',
      maxYuan: '5',
      dailyCapYuan: '12.345',
      accounts: [
        { id: 'Main', label: '', merchantId: 'X', priority: 0, splitPercent: 60, feeRate: '', enabled: true },
        { id: 'b', label: 'B', merchantId: 'Y', priority: 1, splitPercent: 30, feeRate: 'abc', enabled: true },
        { id: 'b', label: 'B2', merchantId: 'Z', priority: 2, splitPercent: 50, feeRate: '', enabled: false },
      ],
      accountStrategy: 'split' as const,
    }
    const result = fromWalletDraft('wechat', 0, draft)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.errors).toEqual(
      expect.arrayContaining([
        { field: 'feeRate', code: 'INVALID_PERCENT' },
        { field: 'minYuan', code: 'MIN_ABOVE_MAX' },
        { field: 'dailyCapYuan', code: 'INVALID_AMOUNT' },
        { field: 'accounts.0.id', code: 'INVALID_ACCOUNT_ID' },
        { field: 'accounts.0.label', code: 'REQUIRED' },
        { field: 'accounts.1.feeRate', code: 'INVALID_PERCENT' },
        { field: 'accounts.2.id', code: 'DUPLICATE_ACCOUNT' },
        // Enabled accounts: 60 + 30; the disabled one does not count.
        { field: 'accounts', code: 'SPLIT_NOT_100' },
      ]),
    )
  })

  it('needs at least one Huabei period and keeps the periods in order', () => {
    const draft = toWalletDraft(huabei)
    const none = fromWalletDraft('huabei', 2, { ...draft, huabei: { ...draft.huabei!, periods: [] } })
    expect(none.ok || none.errors).toEqual([{ field: 'huabei.periods', code: 'NO_PERIODS' }])
    const shuffled = fromWalletDraft('huabei', 2, { ...draft, huabei: { ...draft.huabei!, periods: [12, 3] } })
    expect(shuffled.ok && shuffled.value.huabei?.periods).toEqual([3, 12])
  })

  it("checks with the contract's own rules what the form alone did not", () => {
    const draft = toWalletDraft(wechat)
    const result = fromWalletDraft('wechat', 0, {
      ...draft,
      maxYuan: '99999999999',
      excludeSkus: ['X'.repeat(65)],
      accounts: [
        { ...draft.accounts[0]!, label: '主'.repeat(41), priority: 1000 },
        { ...draft.accounts[0]!, id: '', priority: Number.NaN },
      ],
    })
    expect(result.ok || result.errors).toEqual([
      { field: 'maxYuan', code: 'INVALID_AMOUNT' },
      { field: 'productRules.excludeSkus.0', code: 'TOO_LONG' },
      { field: 'accounts.0.label', code: 'TOO_LONG' },
      { field: 'accounts.0.priority', code: 'OUT_OF_RANGE' },
      { field: 'accounts.1.id', code: 'REQUIRED' },
      { field: 'accounts.1.priority', code: 'OUT_OF_RANGE' },
    ])
  })

  it('points a repeated account id at the repeating row, unless the id is malformed anyway', () => {
    const draft = toWalletDraft(wechat)
    const row = draft.accounts[0]!
    const repeated = fromWalletDraft('wechat', 0, { ...draft, accounts: [row, { ...row }, { ...row }] })
    expect(repeated.ok || repeated.errors).toEqual([
      { field: 'accounts.1.id', code: 'DUPLICATE_ACCOUNT' },
      { field: 'accounts.2.id', code: 'DUPLICATE_ACCOUNT' },
    ])
    const malformed = fromWalletDraft('wechat', 0, {
      ...draft,
      accounts: [row, { ...row }].map((a) => ({ ...a, id: 'X' })),
    })
    expect(malformed.ok || malformed.errors).toEqual([
      { field: 'accounts.0.id', code: 'INVALID_ACCOUNT_ID' },
      { field: 'accounts.1.id', code: 'INVALID_ACCOUNT_ID' },
    ])
  })

  it('names a new account with a free id', () => {
    expect(newAccountDraft([{ id: 'main' }]).id).toBe('acct2')
    expect(newAccountDraft([{ id: 'main' }, { id: 'acct3' }]).id).toBe('acct4')
  })

  it("maps the engine's validation paths onto the form's fields", () => {
    expect(
      serverIssuesToFormErrors([
        { path: 'feeRateBp', message: 'too big' },
        { path: 'accounts.1.feeRateBp', message: 'bad' },
        { path: 'huabei.feeRatesBp.6', message: 'bad' },
        { path: 'accounts', message: 'sum' },
      ]).map((e) => e.field),
    ).toEqual(['feeRate', 'accounts.1.feeRate', 'huabei.feeRates.6', 'accounts'])
    expect(serverIssuesToFormErrors('nope')).toEqual([])
  })
})

describe('display order', () => {
  const list = [
    { wallet: 'alipay' as const, displayOrder: 5 },
    { wallet: 'wechat' as const, displayOrder: 1 },
    { wallet: 'cash' as const, displayOrder: 9 },
  ]

  it('moves a wallet and renumbers from 0', () => {
    expect(moveInOrder(list, 'cash', -1)).toEqual([
      { wallet: 'wechat', displayOrder: 0 },
      { wallet: 'cash', displayOrder: 1 },
      { wallet: 'alipay', displayOrder: 2 },
    ])
  })

  it('leaves the order alone at the ends', () => {
    expect(moveInOrder(list, 'wechat', -1).map((c) => c.wallet)).toEqual(['wechat', 'alipay', 'cash'])
    expect(moveItem(['a', 'b'], 1, 1)).toEqual(['a', 'b'])
    expect(moveItem(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b'])
  })
})

describe('payment code rules form', () => {
  it('round-trips rules and rejects bad lists', () => {
    const rules = [{ wallet: 'ecny' as const, prefixes: ['01'], lengths: [19] }]
    expect(fromRuleDrafts(toRuleDrafts(rules))).toEqual({ ok: true, value: rules })
    const bad = fromRuleDrafts([{ wallet: 'jdpay', prefixes: '18, x', lengths: '40' }])
    expect(bad.ok || bad.errors.map((e) => e.code)).toEqual(['INVALID_PREFIXES', 'INVALID_LENGTHS'])
  })

  it('places list problems on the rule they belong to, and keeps the limits of the contract', () => {
    const many = Array.from({ length: 21 }, (_, i) => String(10 + i)).join(', ')
    const result = fromRuleDrafts([
      { wallet: 'wechat', prefixes: '10, 11', lengths: '18' },
      { wallet: 'jdpay', prefixes: many, lengths: 'eighteen' },
    ])
    expect(result.ok || result.errors).toEqual([
      { field: 'paymentCodeRules.1.lengths', code: 'INVALID_LENGTHS' },
      { field: 'paymentCodeRules.1.prefixes', code: 'INVALID_PREFIXES' },
    ])
    expect(fromRuleDrafts([{ wallet: 'ecny', prefixes: '01，01、02', lengths: '19 19' }])).toEqual({
      ok: true,
      value: [{ wallet: 'ecny', prefixes: ['01', '02'], lengths: [19] }],
    })
  })
})

describe('change log', () => {
  it('lists the fields that changed, ignoring key order', () => {
    const after = {
      ...wechat,
      feeRateBp: 38,
      productRules: { excludeSkus: ['DRK-003'], excludeCategories: ['日用'], onlyCategories: [] },
    }
    expect(changedFields(wechat, after)).toEqual(['feeRateBp'])
    expect(changedFields(null, wechat)).toEqual([])
  })
})
