import type { z } from 'zod'
import type { DayReport } from '../../shared/api/daySchemas'
import { WORDS, type Lang } from '../days/csvWords'
import { fenCell as f, onePage, type Cell, type Sheet } from './sheet'

type Report = z.output<typeof DayReport>

/** A day report laid out in sections, each under its own heading row; amounts stay integer fen. */
export function dayReportCells(report: Report, lang: Lang): Cell[][] {
  const w = WORDS[lang]
  return [
    [w.day, report.day, report.startsAt, report.endsAt],
    [],
    [w.wallet, w.account, w.payments, w.received, w.refunds, w.refunded, w.fees, w.net, w.settlement],
    ...report.wallets.map((r) => [
      ...[r.wallet, r.account, r.payments, f(r.receivedFen), r.refunds, f(r.refundedFen)],
      ...[f(r.feesFen), f(r.netFen), r.settlementDate],
    ]),
    [],
    ...totalsCells(report, lang),
    [],
    [w.cashier, w.orders, w.sales, w.refunds, w.refunded],
    ...report.cashiers.map((c) => [c.name ?? c.staffId ?? '', c.orders, f(c.salesFen), c.refunds, f(c.refundsFen)]),
    [],
    [w.shift, w.till, w.opened, w.closed, w.expected, w.counted, w.difference],
    ...report.shifts.map((s) => [
      ...[s.id, s.tillId, s.openedAt, s.closedAt ?? ''],
      ...[f(s.expectedCashFen), f(s.countedCashFen), f(s.differenceFen)],
    ]),
  ]
}

function totalsCells(report: Report, lang: Lang): Cell[][] {
  const w = WORDS[lang]
  const t = report.totals
  return [
    [w.totals, w.orders, w.sales, w.refunds, w.refunded, w.fees, w.net, w.average, w.overShort],
    [
      ...['', t.orders, f(t.salesFen), t.refunds, f(t.refundsFen)],
      ...[f(t.feesFen), f(t.netFen), f(t.averageTicketFen), f(t.cashOverShortFen)],
    ],
    [w.friendPay, report.friendPay.orders, f(report.friendPay.salesFen), (report.friendPay.shareBp / 100).toFixed(2)],
  ]
}

/** The day report as one sheet: a handful of rows, so one page. */
export function dayReportSheet(report: Report, lang: Lang): Sheet {
  const widths = [16, 16, 12, 14, 12, 14, 12, 14, 14]
  return {
    name: lang === 'zh-CN' ? `营业日 ${report.day}` : `Day ${report.day}`,
    columns: widths.map((width) => ({ header: '', width })),
    pages: () => onePage(dayReportCells(report, lang)),
  }
}
