import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import zhCN from '../../../src/renderer/src/locales/zh-CN.json'
import enUS from '../../../src/renderer/src/locales/en-US.json'
import type { Translate } from '../../../src/renderer/src/lib/receiptHtml'
import { dayReceiptHtml } from '../../../src/renderer/src/lib/dayReceipt'
import type { OperationOutput } from '../../../src/shared/api/operations'

type DayReport = OperationOutput<'days.get'>

const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zhCN, 'en-US': enUS } })
const translate =
  (locale: 'zh-CN' | 'en-US'): Translate =>
  (key, params) =>
    i18n.global.t(key, params ?? {}, { locale })

const DAY: DayReport = {
  day: '2026-11-30',
  status: 'closed',
  startHour: 4,
  startsAt: '2026-11-29T20:00:00.000Z',
  endsAt: '2026-11-30T14:00:00.000Z',
  closedAt: '2026-11-30T14:00:00.000Z',
  closedBy: 'stf_owner',
  totals: {
    orders: 12,
    salesFen: 34_560,
    refunds: 1,
    refundsFen: 1_200,
    feesFen: 190,
    netFen: 33_170,
    averageTicketFen: 2_880,
    cashOverShortFen: -50,
  },
  wallets: [
    {
      wallet: 'wechat',
      account: 'default',
      payments: 9,
      receivedFen: 30_000,
      refunds: 1,
      refundedFen: 1_200,
      feesFen: 180,
      netFen: 28_620,
      settlementDate: '2026-12-01',
    },
  ],
  friendPay: { orders: 0, salesFen: 0, shareBp: 0 },
  cashiers: [],
  shifts: [
    {
      id: 'shf_1',
      tillId: 'til_1',
      status: 'closed',
      openedAt: '2026-11-30T00:00:00.000Z',
      closedAt: '2026-11-30T13:00:00.000Z',
      expectedCashFen: 24_560,
      countedCashFen: 24_510,
      differenceFen: -50,
    },
    {
      id: 'shf_2',
      tillId: 'til_2',
      status: 'open',
      openedAt: '2026-11-30T05:00:00.000Z',
      closedAt: null,
      expectedCashFen: null,
      countedCashFen: null,
      differenceFen: null,
    },
  ],
}

const context = {
  storeName: '互通便利店',
  tillName: (id: string) => ({ til_1: '前台 1 号' })[id] ?? id,
  staffName: (id: string | null) => (id === 'stf_owner' ? '王店长' : '—'),
}

const words = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')

describe('the day report on receipt paper', () => {
  it('gives the day, its window and who closed it, the totals, each wallet and each shift’s difference', () => {
    const text = words(dayReceiptHtml(DAY, context, { paper: 58, t: translate('zh-CN'), locale: 'zh-CN' }))
    expect(text).toContain('互通便利店 营业日 2026-11-30')
    expect(text).toMatch(/2026\/11\/30 04:00:00 至 2026\/11\/30 22:00:00/)
    expect(text).toMatch(/2026\/11\/30 22:00:00 由 王店长 日结/)
    expect(text).toMatch(/订单数 12 销售额 ¥345\.60 退款 1 笔 ¥12\.00 手续费 ¥1\.90 净额 ¥331\.70/)
    expect(text).toMatch(/现金长短款 -¥0\.50/)
    expect(text).toMatch(/微信支付 · 9 收款 ¥300\.00 退款 ¥12\.00 手续费 ¥1\.80 净额 ¥286\.20 预计到账 2026-12-01/)
    expect(text).toMatch(/前台 1 号 -¥0\.50 til_2 未交班/)
  })

  it('prints at either width, in English too', () => {
    const html = dayReceiptHtml(DAY, context, { paper: 80, t: translate('en-US'), locale: 'en-US' })
    expect(html).toContain('class="hcr hcr--80"')
    expect(words(html)).toContain('Business day 2026-11-30')
    expect(words(html)).not.toContain('营业日')
  })
})
