import type { OperationOutput } from '../../../shared/api/operations'
import { formatFen } from '../../../shared/money'
import { formatDateTime } from './datetime'
import { para, row, RULE, type RenderOptions } from './receiptHtml'

type DayReport = OperationOutput<'days.get'>

export interface DayReceiptContext {
  storeName: string
  /** A till's name, and a staff member's, in words. */
  tillName: (id: string) => string
  staffName: (id: string | null) => string
}

function signed(fen: number): string {
  return fen > 0 ? `+${formatFen(fen)}` : formatFen(fen)
}

function totalsHtml(totals: DayReport['totals'], { t }: RenderOptions): string {
  return [
    row(t('day.totals.orders'), String(totals.orders)),
    row(t('day.totals.sales'), formatFen(totals.salesFen)),
    row(
      `${t('day.totals.refunds')} ${t('day.totals.refundsCount', { n: totals.refunds })}`,
      formatFen(totals.refundsFen),
    ),
    row(t('day.totals.fees'), formatFen(totals.feesFen)),
    row(t('day.totals.net'), formatFen(totals.netFen), 'hcr-total'),
    row(t('day.totals.averageTicket'), formatFen(totals.averageTicketFen)),
    row(t('day.totals.cashOverShort'), signed(totals.cashOverShortFen)),
  ].join('')
}

function walletsHtml(wallets: DayReport['wallets'], { t }: RenderOptions): string {
  if (wallets.length === 0) return para(t('day.wallets.empty'))
  const blocks = wallets.map(
    (w) =>
      `<div class="hcr-line">${para(`${t(`wallets.${w.wallet}`)} · ${w.payments}`)}` +
      row(t('day.wallets.received'), formatFen(w.receivedFen), 'hcr-sub') +
      row(t('day.wallets.refunded'), formatFen(w.refundedFen), 'hcr-sub') +
      row(t('day.wallets.fees'), formatFen(w.feesFen), 'hcr-sub') +
      row(t('day.wallets.net'), formatFen(w.netFen), 'hcr-sub') +
      row(t('day.wallets.settlement'), w.settlementDate, 'hcr-sub') +
      '</div>',
  )
  return [para(t('day.wallets.title'), 'hcr-title'), ...blocks].join('')
}

function shiftsHtml(report: DayReport, context: DayReceiptContext, { t }: RenderOptions): string {
  if (report.shifts.length === 0) return para(t('day.shifts.empty'))
  const rows = report.shifts.map((shift) =>
    row(
      context.tillName(shift.tillId),
      shift.differenceFen === null ? t('day.shifts.notClosed') : signed(shift.differenceFen),
    ),
  )
  return [para(`${t('day.shifts.title')} · ${t('day.shifts.difference')}`, 'hcr-title'), ...rows].join('')
}

/** The day report (日结) on receipt paper: totals, each wallet and account, and each shift's difference. */
export function dayReceiptHtml(report: DayReport, context: DayReceiptContext, options: RenderOptions): string {
  const { t, locale, paper } = options
  const header = [
    `<div class="hcr-center">${para(context.storeName, 'hcr-store')}${para(t('day.title', { day: report.day }), 'hcr-title')}</div>`,
    RULE,
    para(
      t('day.window', { start: formatDateTime(report.startsAt, locale), end: formatDateTime(report.endsAt, locale) }),
      'hcr-sub',
    ),
    report.closedAt
      ? para(
          t('day.closedBy', {
            time: formatDateTime(report.closedAt, locale),
            name: context.staffName(report.closedBy),
          }),
          'hcr-sub',
        )
      : para(t('day.status.trading'), 'hcr-sub'),
  ]
  const body = [
    RULE,
    totalsHtml(report.totals, options),
    RULE,
    walletsHtml(report.wallets, options),
    RULE,
    shiftsHtml(report, context, options),
  ]
  return (
    `<div class="hcr hcr--${paper}" data-testid="receipt-paper" data-paper="${paper}">` +
    `${header.join('')}${body.join('')}</div>`
  )
}
