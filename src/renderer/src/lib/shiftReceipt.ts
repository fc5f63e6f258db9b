import type { OperationOutput } from '../../../shared/api/operations'
import { formatFen } from '../../../shared/money'
import { formatDateTime } from './datetime'
import { para, row, RULE, type RenderOptions } from './receiptHtml'

type Shift = OperationOutput<'shifts.get'>

export interface ShiftReceiptContext {
  storeName: string
  tillName: string | null
  /** Who opened or closed it, in words. */
  staffName: (id: string | null) => string
}

function drawerHtml(cash: Shift['report']['cash'], { t }: RenderOptions): string {
  const flows: [string, string, number][] = [
    ['float', '', cash.openingFloatFen],
    ['sales', '+', cash.salesFen],
    ['refunds', '−', cash.refundsFen],
    ['cashIn', '+', cash.cashInFen],
    ['cashOut', '−', cash.cashOutFen],
  ]
  const rows = flows.map(([figure, sign, fen]) => row(t(`shift.drawer.${figure}`), `${sign}${formatFen(fen)}`))
  rows.push(row(t('shift.drawer.expected'), formatFen(cash.expectedFen), 'hcr-total'))
  if (cash.countedFen !== null) rows.push(row(t('shift.drawer.counted'), formatFen(cash.countedFen)))
  if (cash.differenceFen !== null) {
    const sign = cash.differenceFen > 0 ? '+' : ''
    rows.push(row(t('shift.drawer.difference'), `${sign}${formatFen(cash.differenceFen)}`))
  }
  return [para(t('shift.drawer.title'), 'hcr-title'), ...rows].join('')
}

function methodsHtml(methods: Shift['report']['methods'], { t }: RenderOptions): string {
  if (methods.length === 0) return para(t('shift.methods.empty'))
  const blocks = methods.map(
    (m) =>
      `<div class="hcr-line">${para(`${t(`wallets.${m.wallet}`)} · ${m.payments}`)}` +
      row(t('shift.methods.received'), formatFen(m.receivedFen), 'hcr-sub') +
      row(t('shift.methods.refunded'), formatFen(m.refundedFen), 'hcr-sub') +
      row(t('shift.methods.fees'), formatFen(m.feesFen), 'hcr-sub') +
      row(t('shift.methods.net'), formatFen(m.netFen), 'hcr-sub') +
      '</div>',
  )
  return [para(t('shift.methods.title'), 'hcr-title'), ...blocks].join('')
}

function ordersHtml(orders: Shift['report']['orders'], { t }: RenderOptions): string {
  const figures: [string, number, number][] = [
    ['paid', orders.paid, orders.paidFen],
    ['voided', orders.voided, orders.voidedFen],
    ['friendPaid', orders.friendPaid, orders.friendPaidFen],
  ]
  const rows = figures.map(([figure, count, fen]) =>
    row(`${t(`shift.orders.${figure}`)} ${t('shift.orders.count', { n: count })}`, formatFen(fen)),
  )
  return [para(t('shift.orders.title'), 'hcr-title'), ...rows].join('')
}

/** The shift handover (交班) on receipt paper: the drawer, each payment method and the orders, in one column. */
export function shiftReceiptHtml(shift: Shift, context: ShiftReceiptContext, options: RenderOptions): string {
  const { t, locale, paper } = options
  const header = [
    `<div class="hcr-center">${para(context.storeName, 'hcr-store')}${para(t('shift.report.title'), 'hcr-title')}</div>`,
    RULE,
    context.tillName ? row(t('shift.report.till'), context.tillName) : '',
    row(t('shift.report.opened'), formatDateTime(shift.openedAt, locale)),
    para(context.staffName(shift.openedBy), 'hcr-sub'),
    shift.closedAt ? row(t('shift.report.closed'), formatDateTime(shift.closedAt, locale)) : '',
    shift.closedAt ? para(context.staffName(shift.closedBy), 'hcr-sub') : '',
  ]
  const body = [
    RULE,
    drawerHtml(shift.report.cash, options),
    RULE,
    methodsHtml(shift.report.methods, options),
    RULE,
    ordersHtml(shift.report.orders, options),
    shift.note ? `${RULE}${row(t('shift.report.note'), shift.note)}` : '',
  ]
  return (
    `<div class="hcr hcr--${paper}" data-testid="receipt-paper" data-paper="${paper}">` +
    `${header.join('')}${body.join('')}</div>`
  )
}
