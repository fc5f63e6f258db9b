import jsQR from 'jsqr'
import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import enUS from '../../../src/renderer/src/locales/en-US.json'
import zhCN from '../../../src/renderer/src/locales/zh-CN.json'
import { receiptDocument, receiptHtml, type Translate } from '../../../src/renderer/src/lib/receiptHtml'
import {
  orderNumber,
  refundReceipt,
  saleReceipt,
  type HuabeiTerms,
  type ReceiptContext,
} from '../../../src/renderer/src/lib/receiptModel'
import { qrSvg } from '../../../src/renderer/src/lib/receiptQr'
import type { EngineEvent, OrderDetail, PaymentAttempt, Refund } from '../../../src/shared/api/types'

const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zhCN, 'en-US': enUS } })
const t = ((key: string, params?: Record<string, unknown>) => i18n.global.t(key, params ?? {})) as Translate

const CONTEXT: ReceiptContext = {
  storeName: '互通便利店',
  storeAddress: '北京市东城区南锣鼓巷 8 号',
  cashierName: '李收银',
  tillName: '前台 1 号',
  huabei: null,
}

function attempt(overrides: Partial<PaymentAttempt> = {}): PaymentAttempt {
  return {
    id: 'pay_1',
    orderId: 'ord_01JDEMO00000000000ABC123',
    wallet: 'wechat',
    method: 'qr',
    mode: 'simulator',
    status: 'succeeded',
    amountFen: 700,
    qrContent: null,
    providerTradeNo: null,
    failureCode: null,
    accountId: null,
    installments: null,
    merchantFeeFen: null,
    tenderedFen: null,
    changeFen: null,
    paymentCodeMasked: null,
    userPaying: false,
    friendPayId: null,
    staffId: null,
    expiresAt: '2026-11-30T04:10:00.000Z',
    createdAt: '2026-11-30T04:05:00.000Z',
    pendingAt: null,
    succeededAt: '2026-11-30T04:05:06.000Z',
    failedAt: null,
    closedAt: null,
    ...overrides,
  }
}

function order(overrides: Partial<OrderDetail> & { dayNumber?: number } = {}): OrderDetail {
  return {
    id: 'ord_01JDEMO00000000000ABC123',
    status: 'paid',
    totalFen: 700,
    refundedFen: 0,
    currency: 'CNY',
    description: null,
    customerRef: null,
    context: 'counter',
    lines: [
      { id: 'lin_1', productId: null, sku: 'BRK-001', name: '茶叶蛋', unitPriceFen: 150, quantity: 2, amountFen: 300 },
      { id: 'lin_2', productId: null, sku: 'DRK-001', name: '豆浆', unitPriceFen: 400, quantity: 1, amountFen: 400 },
    ],
    paidWallet: 'wechat',
    paidAttemptId: 'pay_1',
    staffId: 'stf_1',
    tillId: 'til_1',
    createdAt: '2026-11-30T04:04:00.000Z',
    updatedAt: '2026-11-30T04:05:06.000Z',
    awaitingPaymentAt: null,
    paidAt: '2026-11-30T04:05:06.000Z',
    cancelledAt: null,
    expiredAt: null,
    expiresAt: '2026-11-30T05:04:00.000Z',
    refundableFen: 700,
    attempts: [attempt()],
    refunds: [],
    timeline: [],
    ...overrides,
  } as OrderDetail
}

function refund(overrides: Partial<Refund> = {}): Refund {
  return {
    id: 'rfd_1',
    orderId: 'ord_01JDEMO00000000000ABC123',
    paymentId: 'pay_1',
    attemptId: 'pay_1',
    wallet: 'wechat',
    kind: 'merchant',
    amountFen: 150,
    reason: 'customer_return',
    note: null,
    lines: [{ lineId: 'lin_1', quantity: 1, amountFen: 150 }],
    staffId: 'stf_1',
    approvedBy: null,
    status: 'succeeded',
    providerRefundNo: null,
    tries: 1,
    lastError: null,
    retryOf: null,
    createdAt: '2026-11-30T06:00:00.000Z',
    updatedAt: '2026-11-30T06:00:00.000Z',
    processingAt: null,
    succeededAt: '2026-11-30T06:00:01.000Z',
    failedAt: null,
    ...overrides,
  }
}

/** The text a customer reads on the paper: the markup without its tags and the QR code. */
function text(html: string): string {
  return html
    .replace(/<svg[\s\S]*?<\/svg>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/\s+/g, ' ')
}

/** Draws the SVG's one-module squares into pixels and reads them with an independent decoder (jsQR). */
function decodeSvg(svg: string): string | null {
  const box = Number(/viewBox="0 0 (\d+) \d+"/.exec(svg)![1])
  const scale = 4
  const width = box * scale
  const pixels = new Uint8ClampedArray(width * width * 4).fill(255)
  for (const [, x, y] of svg.matchAll(/M(\d+) (\d+)h1v1h-1z/g)) {
    for (let dy = 0; dy < scale; dy++)
      for (let dx = 0; dx < scale; dx++) {
        const at = ((Number(y) * scale + dy) * width + Number(x) * scale + dx) * 4
        pixels[at] = pixels[at + 1] = pixels[at + 2] = 0
      }
  }
  return jsQR(pixels, width, width)?.data ?? null
}

describe('sale receipt (小票)', () => {
  it('names the store, the order number, Beijing time, cashier, till, lines, total and wallet', () => {
    const html = receiptHtml(saleReceipt(order({ dayNumber: 42 }), CONTEXT), { paper: 58, t, locale: 'zh-CN' })
    const words = text(html)
    expect(words).toContain('互通便利店')
    expect(words).toContain('购物小票')
    expect(words).toContain('#0042')
    // 04:05:06 UTC is 12:05:06 in Beijing, whatever the machine's zone.
    expect(words).toContain('2026/11/30 12:05:06')
    expect(words).toContain('收银员 李收银')
    expect(words).toContain('收银台 前台 1 号')
    expect(words).toMatch(/茶叶蛋 2 × ¥1\.50 ¥3\.00/)
    expect(words).toMatch(/豆浆 1 × ¥4\.00 ¥4\.00/)
    expect(words).toMatch(/合计 ¥7\.00/)
    expect(words).toContain('微信支付 · 扫码')
    expect(html).toContain('data-paper="58"')
  })

  it('falls back to the tail of the id before orders carry a number of the day', () => {
    expect(orderNumber({ id: 'ord_01JDEMO00000000000abc123' })).toBe('#ABC123')
    expect(orderNumber({ id: 'ord_x', dayNumber: 7 })).toBe('#0007')
  })

  it('marks a simulated or sandbox payment, and not a production one', () => {
    const simulated = receiptHtml(saleReceipt(order(), CONTEXT), { paper: 80, t, locale: 'zh-CN' })
    expect(text(simulated)).toContain('模拟支付 · 非真实交易')
    const sandbox = order({ attempts: [attempt({ mode: 'sandbox' })] })
    expect(text(receiptHtml(saleReceipt(sandbox, CONTEXT), { paper: 80, t, locale: 'zh-CN' }))).toContain('沙箱测试')
    const real = order({ attempts: [attempt({ mode: 'production' })] })
    const realHtml = receiptHtml(saleReceipt(real, CONTEXT), { paper: 80, t, locale: 'zh-CN' })
    expect(realHtml).not.toContain('hcr-mark')
  })

  it('escapes what merchants and cashiers typed', () => {
    const tricky = order({
      lines: [
        {
          id: 'lin_1',
          productId: null,
          sku: null,
          name: '<img src=x onerror=alert(1)>',
          unitPriceFen: 700,
          quantity: 1,
          amountFen: 700,
        },
      ],
    })
    const html = receiptHtml(saleReceipt(tricky, { ...CONTEXT, storeName: 'A & "B"' }), {
      paper: 58,
      t,
      locale: 'zh-CN',
    })
    expect(html).not.toContain('<img')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(html).toContain('A &amp; &quot;B&quot;')
  })

  it('shows cash tendered and change', () => {
    const cash = order({
      paidWallet: 'cash',
      attempts: [attempt({ wallet: 'cash', method: 'cash', tenderedFen: 1000, changeFen: 300, mode: 'production' })],
    })
    const words = text(receiptHtml(saleReceipt(cash, CONTEXT), { paper: 58, t, locale: 'zh-CN' }))
    expect(words).toMatch(/支付方式 现金 /)
    expect(words).toMatch(/实收现金 ¥10\.00/)
    expect(words).toMatch(/找零 ¥3\.00/)
  })

  it('gives Huabei terms: periods, the first and later periods to the fen, and the customer’s fee', () => {
    const terms: HuabeiTerms = { feeBearer: 'customer', feeRatesBp: { '3': 230, '6': 450, '12': 750 } }
    const huabei = order({
      totalFen: 1000,
      paidWallet: 'huabei',
      attempts: [attempt({ wallet: 'huabei', amountFen: 1000, installments: 6 })],
    })
    const words = text(
      receiptHtml(saleReceipt(huabei, { ...CONTEXT, huabei: terms }), { paper: 58, t, locale: 'zh-CN' }),
    )
    // Fee 4.5 % of ¥10.00 = ¥0.45; ¥10.45 over 6 periods: the first carries the remainders (¥1.70 + ¥0.10).
    expect(words).toContain('花呗分期 6 期')
    expect(words).toMatch(/首期 ¥1\.80/)
    expect(words).toMatch(/其余每期 ¥1\.73/)
    expect(words).toMatch(/分期手续费（顾客承担） ¥0\.45/)
    expect(words).toMatch(/分期应还总额 ¥10\.45/)

    const free = text(
      receiptHtml(saleReceipt(huabei, { ...CONTEXT, huabei: { ...terms, feeBearer: 'merchant' } }), {
        paper: 58,
        t,
        locale: 'zh-CN',
      }),
    )
    expect(free).toContain('免息分期')
    expect(free).toMatch(/分期应还总额 ¥10\.00/)
  })

  it('notes a friend’s payment and lists the order’s refunds', () => {
    const paidEvent = {
      seq: 9,
      type: 'friend_pay.paid',
      orderId: 'ord_01JDEMO00000000000ABC123',
      attemptId: 'pay_1',
      at: '2026-11-30T04:05:06.000Z',
      data: { friendPayId: 'fpr_1', wallet: 'wechat', amountFen: 700 },
    } as unknown as EngineEvent
    const friendPaid = order({ timeline: [paidEvent], refunds: [refund()], refundedFen: 150 })
    const words = text(receiptHtml(saleReceipt(friendPaid, CONTEXT), { paper: 58, t, locale: 'zh-CN' }))
    expect(words).toContain('本单由朋友代付')
    expect(words).toMatch(/退款 2026\/11\/30 14:00:00 已退款 ¥1\.50/)
  })

  it('speaks English when asked', () => {
    i18n.global.locale.value = 'en-US'
    try {
      const words = text(receiptHtml(saleReceipt(order(), CONTEXT), { paper: 80, t, locale: 'en-US' }))
      expect(words).toContain('Sales receipt')
      expect(words).toContain('Paid with WeChat Pay')
      expect(words).toContain('Simulated payment')
    } finally {
      i18n.global.locale.value = 'zh-CN'
    }
  })

  it('carries a QR code that reads back as the order id', () => {
    const html = receiptHtml(saleReceipt(order(), CONTEXT), { paper: 58, t, locale: 'zh-CN' })
    const svg = /<svg[\s\S]*?<\/svg>/.exec(html)![0]
    expect(decodeSvg(svg)).toBe('ord_01JDEMO00000000000ABC123')
    expect(decodeSvg(qrSvg('HELLO-42', 30, 'x'))).toBe('HELLO-42')
  })

  it('prints as a page as wide as the paper', () => {
    const page = receiptDocument(saleReceipt(order(), CONTEXT), { paper: 80, t, locale: 'zh-CN' })
    expect(page).toMatch(/^<!doctype html>/)
    expect(page).toContain('@page{size:80mm auto;margin:0}')
    expect(page).toContain('class="hcr hcr--80"')
  })
})

describe('refund receipt (退款小票)', () => {
  it('gives the amount, reason, wallet, status and returned items of one refund', () => {
    const withRefund = order({ refunds: [refund()], refundedFen: 150 })
    const receipt = refundReceipt(withRefund, 'rfd_1', CONTEXT)!
    const words = text(receiptHtml(receipt, { paper: 58, t, locale: 'zh-CN' }))
    expect(words).toContain('退款小票')
    expect(words).toMatch(/原订单金额 ¥7\.00/)
    expect(words).toMatch(/退款原因 顾客退货/)
    expect(words).toMatch(/茶叶蛋 × 1/)
    expect(words).toMatch(/退款金额 ¥1\.50/)
    expect(words).toMatch(/退回至 微信支付/)
    expect(words).toMatch(/退款状态 已退款/)
    expect(words).toContain('2026/11/30 14:00:01')
  })

  it('is null for a refund the order does not have', () => {
    expect(refundReceipt(order(), 'rfd_missing', CONTEXT)).toBeNull()
  })
})
