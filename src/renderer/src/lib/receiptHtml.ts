import { formatFen } from '../../../shared/money'
import type { ProviderMode } from '../../../shared/wallets'
import { formatDateTime } from './datetime'
import type { PaperWidth, Receipt, RefundReceipt, SaleReceipt } from './receiptModel'
import { qrSvg } from './receiptQr'

/** vue-i18n's `t` (or any function with its shape): receipts are rendered outside components. */
export type Translate = (key: string, params?: Record<string, unknown>) => string

export interface RenderOptions {
  paper: PaperWidth
  t: Translate
  locale: string
}

/** Printed sizes: the lookup code is large enough for a till's scanner at either width. */
const QR_MM: Record<PaperWidth, number> = { 58: 26, 80: 32 }

/**
 * Receipt styles, scoped by the `hcr` prefix so the same markup prints from a hidden window, a browser page or
 * a preview inside the console. Long names and amounts wrap inside the paper: every box is at most the paper wide.
 */
export const RECEIPT_CSS = `
.hcr{box-sizing:border-box;width:58mm;margin:0;padding:2mm 2.5mm 4mm;background:#fff;color:#000;
font:12px/1.45 "PingFang SC","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",sans-serif;
overflow-wrap:anywhere;word-break:break-word;font-variant-numeric:tabular-nums}
.hcr--80{width:80mm;padding:3mm 4mm 5mm;font-size:13px}
.hcr *{box-sizing:border-box;max-width:100%;margin:0}
.hcr-center{text-align:center}
.hcr-store{font-size:1.35em;font-weight:700}
.hcr-title{font-weight:700;margin-top:1mm}
.hcr-mark{margin:1.5mm 0;padding:0.8mm 1mm;border:1px solid #000;font-weight:700;text-align:center}
.hcr-rule{border:0;border-top:1px dashed #000;margin:1.5mm 0}
.hcr-row{display:flex;flex-wrap:wrap;justify-content:space-between;column-gap:2mm}
.hcr-row>span{min-width:0}
.hcr-amt{margin-left:auto;text-align:right;white-space:nowrap}
.hcr-line{padding:0.6mm 0}
.hcr-sub{padding-left:3mm}
.hcr-total{font-size:1.2em;font-weight:700}
.hcr-small{font-size:0.9em}
.hcr-qr{display:flex;flex-direction:column;align-items:center;margin-top:2mm}
.hcr-qr svg{display:block}
`

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

/** A label on the left and a value on the right (moved under the label when both do not fit). */
export function row(label: string, value: string, className = ''): string {
  return `<div class="hcr-row ${className}"><span>${escapeHtml(label)}</span><span class="hcr-amt">${escapeHtml(value)}</span></div>`
}

export function para(text: string, className = ''): string {
  return `<p class="${className}">${escapeHtml(text)}</p>`
}

export const RULE = '<hr class="hcr-rule">'

function modeMark(mode: ProviderMode | null, t: Translate): string {
  return mode && mode !== 'production'
    ? `<p class="hcr-mark" data-mode="${mode}">${escapeHtml(t(`receiptPrint.mode.${mode}`))}</p>`
    : ''
}

function headerHtml(receipt: Receipt, { t, locale }: RenderOptions): string {
  const title = receipt.kind === 'sale' ? t('receiptPrint.saleTitle') : t('receiptPrint.refundTitle')
  const parts = [
    `<div class="hcr-center">${para(receipt.storeName, 'hcr-store')}`,
    receipt.storeAddress ? para(receipt.storeAddress, 'hcr-small') : '',
    `${para(title, 'hcr-title')}</div>`,
    RULE,
    row(t('receiptPrint.number'), receipt.number),
    row(t('receiptPrint.time'), formatDateTime(receipt.at, locale)),
    receipt.cashierName ? row(t('receiptPrint.cashier'), receipt.cashierName) : '',
    receipt.tillName ? row(t('receiptPrint.till'), receipt.tillName) : '',
  ]
  return parts.join('')
}

function linesHtml(receipt: SaleReceipt, t: Translate): string {
  if (receipt.lines.length === 0) {
    const name = receipt.description ?? t('receipt.keyedAmount')
    return `<div class="hcr-line">${row(name, formatFen(receipt.totalFen))}</div>`
  }
  return receipt.lines
    .map(
      (line) =>
        `<div class="hcr-line" data-testid="receipt-line">${para(line.name)}` +
        row(`${line.quantity} × ${formatFen(line.unitPriceFen)}`, formatFen(line.amountFen), 'hcr-sub') +
        '</div>',
    )
    .join('')
}

function paymentHtml(receipt: SaleReceipt, t: Translate): string {
  const payment = receipt.payment
  if (!payment) return para(t('receipt.notPaid'))
  const method = payment.method === 'cash' ? '' : ` · ${t(`methods.${payment.method}`)}`
  const parts = [row(t('receiptPrint.paidWith'), `${t(`wallets.${payment.wallet}`)}${method}`)]
  if (payment.tenderedFen !== null) parts.push(row(t('receipt.tendered'), formatFen(payment.tenderedFen)))
  if (payment.changeFen !== null) parts.push(row(t('receipt.change'), formatFen(payment.changeFen)))
  if (receipt.friendPaid) parts.push(para(t('receiptPrint.friendPaid')))
  return parts.join('') + modeMark(payment.mode, t)
}

function installmentsHtml(receipt: SaleReceipt, t: Translate): string {
  const plan = receipt.installments
  if (!plan) return ''
  const parts = [
    RULE,
    `<div data-testid="receipt-installments">`,
    row(t('receiptPrint.installments'), t('receipt.installmentsValue', { n: plan.periods })),
    row(t('receiptPrint.firstPeriod'), formatFen(plan.firstPeriodFen)),
    plan.periods > 1 ? row(t('receiptPrint.laterPeriods'), formatFen(plan.laterPeriodFen)) : '',
    plan.feeBearer === 'customer' && plan.feeFen > 0
      ? row(t('receiptPrint.customerFee'), formatFen(plan.feeFen))
      : para(t('receiptPrint.feeFree')),
    row(t('receiptPrint.customerTotal'), formatFen(plan.customerTotalFen)),
    '</div>',
  ]
  return parts.join('')
}

function refundsHtml(receipt: SaleReceipt, t: Translate, locale: string): string {
  if (receipt.refunds.length === 0) return ''
  const rows = receipt.refunds.map((refund) =>
    row(`${formatDateTime(refund.at, locale)} ${t(`refunds.status.${refund.status}`)}`, formatFen(refund.amountFen)),
  )
  return [RULE, para(t('receipt.refunds'), 'hcr-title'), ...rows].join('')
}

function lookupHtml(receipt: Receipt, { paper, t }: RenderOptions): string {
  const label = t('receiptPrint.lookup')
  return (
    `<div class="hcr-qr" data-testid="receipt-lookup">${qrSvg(receipt.orderId, QR_MM[paper], label)}` +
    `${para(label, 'hcr-small')}${para(receipt.orderId, 'hcr-small')}</div>`
  )
}

function saleBody(receipt: SaleReceipt, options: RenderOptions): string {
  const { t, locale } = options
  return [
    RULE,
    linesHtml(receipt, t),
    RULE,
    row(t('receipt.total'), formatFen(receipt.totalFen), 'hcr-total'),
    paymentHtml(receipt, t),
    installmentsHtml(receipt, t),
    refundsHtml(receipt, t, locale),
    RULE,
    para(t('receiptPrint.thanks'), 'hcr-center'),
  ].join('')
}

function refundReason(receipt: RefundReceipt, t: Translate): string {
  const key = `refunds.reason.${receipt.reason}`
  const text = t(key)
  return text === key ? receipt.reason : text
}

function refundBody(receipt: RefundReceipt, options: RenderOptions): string {
  const { t } = options
  const lines = receipt.lines.map((line) => `<div class="hcr-line">${row(line.name, `× ${line.quantity}`)}</div>`)
  return [
    RULE,
    row(t('receiptPrint.orderTotal'), formatFen(receipt.orderTotalFen)),
    row(t('receiptPrint.refundReason'), refundReason(receipt, t)),
    receipt.note ? para(receipt.note, 'hcr-small') : '',
    ...lines,
    RULE,
    row(t('receiptPrint.refundAmount'), formatFen(receipt.amountFen), 'hcr-total'),
    row(t('receiptPrint.refundTo'), t(`wallets.${receipt.wallet}`)),
    row(t('receiptPrint.refundStatus'), t(`refunds.status.${receipt.status}`)),
    modeMark(receipt.mode, t),
  ].join('')
}

/** The receipt as an HTML fragment (style it with RECEIPT_CSS). */
export function receiptHtml(receipt: Receipt, options: RenderOptions): string {
  const body = receipt.kind === 'sale' ? saleBody(receipt, options) : refundBody(receipt, options)
  return (
    `<div class="hcr hcr--${options.paper}" data-testid="receipt-paper" data-paper="${options.paper}">` +
    `${headerHtml(receipt, options)}${body}${lookupHtml(receipt, options)}</div>`
  )
}

/** A whole page holding the receipt, sized to the paper, for a printer or a print preview. */
export function receiptDocument(receipt: Receipt, options: RenderOptions): string {
  return paperDocument(receiptHtml(receipt, options), receipt.number, options)
}

/** A whole page for any paper-wide fragment (a receipt, a shift handover), sized to the paper. */
export function paperDocument(
  fragment: string,
  title: string,
  options: Pick<RenderOptions, 'paper' | 'locale'>,
): string {
  return (
    `<!doctype html><html lang="${escapeHtml(options.locale)}"><head><meta charset="utf-8">` +
    `<title>${escapeHtml(title)}</title><style>${pageCss(options.paper)}${RECEIPT_CSS}</style></head>` +
    `<body style="margin:0">${fragment}</body></html>`
  )
}

/** The printed page: as wide as the paper, as long as the receipt (roll paper), no printer margins. */
export function pageCss(paper: PaperWidth): string {
  return `@page{size:${paper}mm auto;margin:0}`
}
