import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import zhCN from '../../../src/renderer/src/locales/zh-CN.json'
import type { Translate } from '../../../src/renderer/src/lib/receiptHtml'
import { shiftReceiptHtml } from '../../../src/renderer/src/lib/shiftReceipt'
import type { OperationOutput } from '../../../src/shared/api/operations'

type Shift = OperationOutput<'shifts.get'>

const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zhCN } })
const t = ((key: string, params?: Record<string, unknown>) => i18n.global.t(key, params ?? {})) as Translate

const SHIFT = {
  id: 'shf_1',
  tillId: 'til_1',
  status: 'closed',
  openedBy: 'stf_1',
  openedAt: '2026-11-30T00:00:00.000Z',
  openingFloatFen: 20_000,
  closedBy: 'stf_1',
  closedAt: '2026-11-30T10:00:00.000Z',
  countedCashFen: 20_550,
  differenceFen: -50,
  approvedBy: null,
  note: '<b>零钱不够</b>',
  movements: [],
  report: {
    cash: {
      openingFloatFen: 20_000,
      salesFen: 800,
      refundsFen: 200,
      cashInFen: 0,
      cashOutFen: 0,
      expectedFen: 20_600,
      countedFen: 20_550,
      differenceFen: -50,
    },
    methods: [
      { wallet: 'wechat', payments: 3, receivedFen: 1200, refunds: 0, refundedFen: 0, feesFen: 7, netFen: 1193 },
    ],
    orders: { paid: 4, paidFen: 2000, voided: 1, voidedFen: 150, friendPaid: 0, friendPaidFen: 0 },
  },
} as unknown as Shift

function text(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/\s+/g, ' ')
}

describe('the shift handover on receipt paper', () => {
  const html = shiftReceiptHtml(
    SHIFT,
    { storeName: '互通便利店', tillName: '前台 1 号', staffName: (id) => (id === 'stf_1' ? '李收银' : '系统') },
    { paper: 58, t, locale: 'zh-CN' },
  )
  const words = text(html)

  it('heads it with the store, till, who opened and closed it and when (Beijing time)', () => {
    expect(words).toContain('互通便利店 交班报告')
    expect(words).toContain('收银台 前台 1 号')
    expect(words).toMatch(/开班 2026\/11\/30 08:00:00 李收银/)
    expect(words).toMatch(/交班 2026\/11\/30 18:00:00 李收银/)
  })

  it('gives the drawer line by line, with the difference signed', () => {
    expect(words).toMatch(/备用金 ¥200\.00 现金收款 \+¥8\.00 现金退款 −¥2\.00/)
    expect(words).toMatch(/应有现金 ¥206\.00 实点现金 ¥205\.50 差额 -¥0\.50/)
  })

  it('gives each payment method and the orders', () => {
    expect(words).toMatch(/微信支付 · 3 收款 ¥12\.00 退款 ¥0\.00 手续费 ¥0\.07 净额 ¥11\.93/)
    expect(words).toMatch(/已付款 4 单 ¥20\.00 已作废 1 单 ¥1\.50/)
  })

  it('escapes the note and fits the paper', () => {
    expect(html).not.toContain('<b>')
    expect(words).toContain('<b>零钱不够</b>')
    expect(html).toContain('class="hcr hcr--58"')
  })
})
