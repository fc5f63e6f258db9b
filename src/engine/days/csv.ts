import { stringify } from 'csv-stringify/sync'
import type { z } from 'zod'
import type { DayReport } from '../../shared/api/daySchemas'
import type { Shift } from '../../shared/api/shiftSchemas'
import { dayReportCells } from '../exports/dayReport'
import { isFenCell } from '../exports/sheet'
import { WORDS, type Lang } from './csvWords'

/** A CSV a bookkeeper opens in Excel: UTF-8 with a byte-order mark (else Excel reads GBK), CRLF, yuan with 2 decimals. */
export interface CsvFile {
  fileName: string
  contentType: 'text/csv; charset=utf-8'
  text: string
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
  const rows = dayReportCells(report, lang).map((row) => row.map((cell) => (isFenCell(cell) ? yuan(cell.fen) : cell)))
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
