import { stringify } from 'csv-stringify/sync'
import type { z } from 'zod'
import type { DayReport } from '../../shared/api/daySchemas'
import type { Shift } from '../../shared/api/shiftSchemas'

/** A CSV a bookkeeper opens in Excel: UTF-8 with a byte-order mark (else Excel reads GBK), CRLF, yuan with 2 decimals. */
export interface CsvFile {
  fileName: string
  contentType: 'text/csv; charset=utf-8'
  text: string
}

type Lang = 'zh-CN' | 'en-US'

const WORDS: Record<Lang, Record<string, string>> = {
  'zh-CN': {
    section: '项目',
    wallet: '支付方式',
    account: '账户',
    payments: '笔数',
    received: '收款(元)',
    refunds: '退款笔数',
    refunded: '退款(元)',
    fees: '手续费(元)',
    net: '净额(元)',
    settlement: '预计到账',
    totals: '合计',
    orders: '订单数',
    sales: '销售额(元)',
    average: '客单价(元)',
    overShort: '现金长短款(元)',
    cashier: '收银员',
    friendPay: '找人代付',
    share: '占比(%)',
    shift: '班次',
    till: '收银台',
    opened: '开班',
    closed: '交班',
    expected: '应有现金(元)',
    counted: '实点现金(元)',
    difference: '差额(元)',
    day: '营业日',
    method: '收款方式',
    float: '备用金(元)',
    cashIn: '存入(元)',
    cashOut: '取出(元)',
    cashSales: '现金收款(元)',
    cashRefunds: '现金退款(元)',
    voided: '作废订单',
  },
  'en-US': {
    section: 'Section',
    wallet: 'Method',
    account: 'Account',
    payments: 'Payments',
    received: 'Received (CNY)',
    refunds: 'Refunds',
    refunded: 'Refunded (CNY)',
    fees: 'Fees (CNY)',
    net: 'Net (CNY)',
    settlement: 'Settles on',
    totals: 'Totals',
    orders: 'Orders',
    sales: 'Sales (CNY)',
    average: 'Average ticket (CNY)',
    overShort: 'Cash over/short (CNY)',
    cashier: 'Cashier',
    friendPay: 'Friend pay',
    share: 'Share (%)',
    shift: 'Shift',
    till: 'Till',
    opened: 'Opened',
    closed: 'Closed',
    expected: 'Expected cash (CNY)',
    counted: 'Counted cash (CNY)',
    difference: 'Difference (CNY)',
    day: 'Business day',
    method: 'Method',
    float: 'Float (CNY)',
    cashIn: 'Cash in (CNY)',
    cashOut: 'Cash out (CNY)',
    cashSales: 'Cash sales (CNY)',
    cashRefunds: 'Cash refunds (CNY)',
    voided: 'Voided orders',
  },
}

/** Integer fen as yuan text, without floating point. */
export function yuan(fen: number | null): string {
  if (fen === null) return ''
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(fen)
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

function csv(rows: unknown[][]): string {
  return stringify(rows, { bom: true, record_delimiter: 'windows' })
}

export function dayReportCsv(report: z.output<typeof DayReport>, lang: Lang): CsvFile {
  const w = WORDS[lang]
  const rows: unknown[][] = [
    [w.day, report.day, report.startsAt, report.endsAt],
    [],
    [w.wallet, w.account, w.payments, w.received, w.refunds, w.refunded, w.fees, w.net, w.settlement],
    ...report.wallets.map((r) => [
      ...[r.wallet, r.account, r.payments, yuan(r.receivedFen), r.refunds, yuan(r.refundedFen)],
      ...[yuan(r.feesFen), yuan(r.netFen), r.settlementDate],
    ]),
    [],
    [w.totals, w.orders, w.sales, w.refunds, w.refunded, w.fees, w.net, w.average, w.overShort],
    [
      ...[
        '',
        report.totals.orders,
        yuan(report.totals.salesFen),
        report.totals.refunds,
        yuan(report.totals.refundsFen),
      ],
      ...[yuan(report.totals.feesFen), yuan(report.totals.netFen), yuan(report.totals.averageTicketFen)],
      yuan(report.totals.cashOverShortFen),
    ],
    [
      w.friendPay,
      report.friendPay.orders,
      yuan(report.friendPay.salesFen),
      (report.friendPay.shareBp / 100).toFixed(2),
    ],
    [],
    [w.cashier, w.orders, w.sales, w.refunds, w.refunded],
    ...report.cashiers.map((c) => [
      c.name ?? c.staffId ?? '',
      c.orders,
      yuan(c.salesFen),
      c.refunds,
      yuan(c.refundsFen),
    ]),
    [],
    [w.shift, w.till, w.opened, w.closed, w.expected, w.counted, w.difference],
    ...report.shifts.map((s) => [
      ...[s.id, s.tillId, s.openedAt, s.closedAt ?? ''],
      ...[yuan(s.expectedCashFen), yuan(s.countedCashFen), yuan(s.differenceFen)],
    ]),
  ]
  return { fileName: `day-${report.day}.csv`, contentType: 'text/csv; charset=utf-8', text: csv(rows) }
}

export function shiftHandoverCsv(shift: z.output<typeof Shift>, lang: Lang): CsvFile {
  const w = WORDS[lang]
  const cash = shift.report.cash
  const rows: unknown[][] = [
    [w.shift, shift.id, w.till, shift.tillId, w.opened, shift.openedAt, w.closed, shift.closedAt ?? ''],
    [],
    [w.float, w.cashSales, w.cashRefunds, w.cashIn, w.cashOut, w.expected, w.counted, w.difference],
    [
      ...[yuan(cash.openingFloatFen), yuan(cash.salesFen), yuan(cash.refundsFen), yuan(cash.cashInFen)],
      ...[yuan(cash.cashOutFen), yuan(cash.expectedFen), yuan(cash.countedFen), yuan(cash.differenceFen)],
    ],
    [],
    [w.method, w.payments, w.received, w.refunds, w.refunded, w.fees, w.net],
    ...shift.report.methods.map((m) => [
      ...[m.wallet, m.payments, yuan(m.receivedFen), m.refunds, yuan(m.refundedFen), yuan(m.feesFen), yuan(m.netFen)],
    ]),
    [],
    [w.orders, w.sales, w.voided, w.friendPay],
    [
      shift.report.orders.paid,
      yuan(shift.report.orders.paidFen),
      shift.report.orders.voided,
      shift.report.orders.friendPaid,
    ],
  ]
  return { fileName: `shift-${shift.id}.csv`, contentType: 'text/csv; charset=utf-8', text: csv(rows) }
}
