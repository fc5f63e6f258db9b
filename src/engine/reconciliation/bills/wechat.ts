import {
  feeToMilliFen,
  fenToFeeText,
  formatBeijingTime,
  invalidBill,
  milliFenToFen,
  parseBeijingTime,
  yuanToFen,
} from './amounts'
import { ColumnIndex, csvRowBatches, type BillSource, type CsvRow } from './csvRecords'
import { addToTotals, emptyTotals, feeRateText, summaryDisagreement, type BillRecord, type BillTotals } from './records'
import type { BillEntry, BillLine, BillSummary } from './types'
import { fenToYuanString } from '../../../shared/money'

/**
 * WeChat Pay's trade bill (API v3 tradebill, bill_type=ALL): UTF-8 CSV, a header row, one row per paid trade
 * and per refund, then a summary header and a summary row. Every cell is prefixed with a backtick so that
 * spreadsheets keep long numbers as text.
 */
export const WECHAT_BILL_HEADER = [
  '交易时间',
  '公众账号ID',
  '商户号',
  '特约商户号',
  '设备号',
  '微信订单号',
  '商户订单号',
  '用户标识',
  '交易类型',
  '交易状态',
  '付款银行',
  '货币种类',
  '应结订单金额',
  '代金券金额',
  '微信退款单号',
  '商户退款单号',
  '退款金额',
  '充值券退款金额',
  '退款类型',
  '退款状态',
  '商品名称',
  '商户数据包',
  '手续费',
  '费率',
  '订单金额',
  '申请退款金额',
  '费率备注',
] as const
type WechatColumn = (typeof WECHAT_BILL_HEADER)[number]

export const WECHAT_SUMMARY_HEADER = [
  '总交易单数',
  '应结订单总金额',
  '退款总金额',
  '充值券退款总金额',
  '手续费总金额',
  '订单总金额',
  '申请退款总金额',
] as const

const REQUIRED: readonly WechatColumn[] = [
  '交易时间',
  '商户号',
  '微信订单号',
  '商户订单号',
  '交易状态',
  '应结订单金额',
  '商户退款单号',
  '退款金额',
  '手续费',
]
const REQUIRED_SUMMARY = ['总交易单数', '应结订单总金额', '退款总金额', '手续费总金额']

/** A cell without its backtick and the spaces around it (a check, not a regular expression: it runs per cell). */
function clean(cell: string): string {
  const text = cell.trim()
  return text.charCodeAt(0) === BACKTICK ? text.slice(1).trim() : text
}
const BACKTICK = 0x60

/** Reads a WeChat Pay trade bill as it streams in: its lines, then its summary (checked against them). */
export async function* readWechatBill(source: BillSource): AsyncGenerator<BillEntry> {
  for await (const batch of readWechatBillBatches(source)) yield* batch
}

/** readWechatBill a parsed chunk at a time. */
export async function* readWechatBillBatches(source: BillSource): AsyncGenerator<BillEntry[]> {
  const reader = new WechatBillReader()
  for await (const rows of csvRowBatches(source)) {
    const entries: BillEntry[] = []
    for (const row of rows) {
      const entry = reader.take(row)
      if (entry) entries.push(entry)
    }
    yield entries
  }
  yield [reader.finish()]
}

class WechatBillReader {
  private columns: ColumnIndex | null = null
  private summaryColumns: ColumnIndex | null = null
  private summary: BillSummary | null = null
  private lastLine = 0
  private readonly totals: BillTotals = emptyTotals()

  take(row: CsvRow): BillEntry | null {
    this.lastLine = row.lineNumber
    if (this.summary) throw invalidBill(row.lineNumber, 'a row after the summary')
    if (!this.columns) return this.readHeader(row)
    if (this.summaryColumns) {
      this.summary = this.readSummary(row, this.summaryColumns)
      return null
    }
    if (clean(row.cells[0] ?? '') === WECHAT_SUMMARY_HEADER[0]) {
      this.summaryColumns = requireColumns(row, REQUIRED_SUMMARY, 'summary header')
      return null
    }
    return this.readLine(row, this.columns)
  }

  finish(): BillSummary {
    if (!this.columns) throw invalidBill(null, 'the bill is empty: no header row')
    if (!this.summary) throw invalidBill(this.lastLine, 'the bill ends without its summary row')
    return this.summary
  }

  private readHeader(row: CsvRow): null {
    this.columns = requireColumns(row, REQUIRED, 'header')
    return null
  }

  private readLine(row: CsvRow, columns: ColumnIndex): BillLine {
    const { line, feeMilliFen } = wechatLine(row, columns)
    addToTotals(this.totals, line, feeMilliFen)
    return line
  }

  private readSummary(row: CsvRow, columns: ColumnIndex): BillSummary {
    const at = (name: string) => columns.get(row.cells, name, clean)
    const trades = at('总交易单数')
    if (!/^\d{1,9}$/.test(trades)) throw invalidBill(row.lineNumber, `总交易单数 is not a count: "${trades}"`)
    const said = {
      trades: Number(trades),
      paidFen: yuanToFen(at('应结订单总金额'), '应结订单总金额', row.lineNumber),
      refundedFen: yuanToFen(at('退款总金额'), '退款总金额', row.lineNumber),
      feesMilliFen: feeToMilliFen(at('手续费总金额'), '手续费总金额', row.lineNumber),
    }
    const wrong = summaryDisagreement(said, this.totals)
    if (wrong) throw invalidBill(row.lineNumber, `the summary disagrees with the lines: ${wrong}`)
    const { feesMilliFen, ...totals } = said
    return { type: 'summary', ...totals, feesFen: milliFenToFen(feesMilliFen) }
  }
}

function requireColumns(row: CsvRow, required: readonly string[], what: string): ColumnIndex {
  const columns = new ColumnIndex(row.cells, clean)
  const missing = columns.missing(required)
  if (missing.length) {
    throw invalidBill(row.lineNumber, `not a WeChat Pay trade bill ${what}: no column ${missing.join(', ')}`)
  }
  return columns
}

/**
 * SUCCESS is a paid trade, REFUND a refund (its amount in 退款金额). REVOKED, a paid payment-code trade reversed
 * the same day, is money returned in full: read as a refund of the whole settled amount.
 */
function wechatLine(row: CsvRow, columns: ColumnIndex): { line: BillLine; feeMilliFen: number } {
  const at = (name: WechatColumn) => columns.get(row.cells, name, clean)
  const n = row.lineNumber
  const state = at('交易状态')
  if (state !== 'SUCCESS' && state !== 'REFUND' && state !== 'REVOKED') {
    throw invalidBill(n, `unknown 交易状态 "${state}"`)
  }
  const refund = state !== 'SUCCESS'
  const amountFen =
    state === 'REFUND' ? yuanToFen(at('退款金额'), '退款金额', n) : yuanToFen(at('应结订单金额'), '应结订单金额', n)
  if (amountFen < 0) throw invalidBill(n, 'a negative amount')
  const outTradeNo = at('商户订单号')
  if (!outTradeNo) throw invalidBill(n, '商户订单号 is empty')
  const feeMilliFen = feeToMilliFen(at('手续费'), '手续费', n)
  const subMerchant = at('特约商户号')
  const line: BillLine = {
    type: 'line',
    kind: refund ? 'refund' : 'payment',
    outTradeNo,
    providerTradeNo: at('微信订单号') || null,
    outRefundNo: refund ? orNull(at('商户退款单号')) : null,
    merchantId: subMerchant && subMerchant !== '0' ? subMerchant : at('商户号') || null,
    amountFen,
    feeFen: milliFenToFen(feeMilliFen),
    state,
    at: parseBeijingTime(at('交易时间')),
    lineNumber: n,
  }
  return { line, feeMilliFen }
}

/** WeChat Pay prints 0 where a refund number would be on a paid trade's line. */
function orNull(value: string): string | null {
  return value === '' || value === '0' ? null : value
}

export interface WechatBillOptions {
  /** 公众账号ID shown on every line. */
  appId?: string
}

/** Writes a WeChat Pay trade bill (ALL) line by line: a BOM, the header, the lines, the summary. */
export async function* writeWechatBill(
  records: Iterable<BillRecord> | AsyncIterable<BillRecord>,
  options: WechatBillOptions = {},
): AsyncGenerator<string> {
  yield `\uFEFF${WECHAT_BILL_HEADER.join(',')}\r\n`
  const totals = emptyTotals()
  let feesFen = 0
  let orderedFen = 0
  for await (const record of records) {
    addToTotals(totals, record, 0)
    feesFen += record.feeFen
    if (record.kind === 'payment') orderedFen += record.orderAmountFen ?? record.amountFen
    yield `${wechatRow(record, options).map(cellText).join(',')}\r\n`
  }
  yield `${WECHAT_SUMMARY_HEADER.join(',')}\r\n`
  const summary = [
    String(totals.trades),
    fenToYuanString(totals.paidFen),
    fenToYuanString(totals.refundedFen),
    '0.00',
    fenToFeeText(feesFen),
    fenToYuanString(orderedFen),
    fenToYuanString(totals.refundedFen),
  ]
  yield `${summary.map(cellText).join(',')}\r\n`
}

function wechatRow(record: BillRecord, options: WechatBillOptions): string[] {
  const refund = record.kind === 'refund'
  const orderFen = record.orderAmountFen ?? record.amountFen
  const refundYuan = refund ? fenToYuanString(record.amountFen) : '0.00'
  return [
    formatBeijingTime(record.at),
    options.appId ?? 'wx5im0000000000000',
    record.merchantId,
    '0',
    '',
    record.providerTradeNo,
    record.outTradeNo,
    'oSim0000000000000000000000000',
    'NATIVE',
    refund ? 'REFUND' : 'SUCCESS',
    'OTHERS',
    'CNY',
    fenToYuanString(refund ? orderFen : record.amountFen),
    '0.00',
    refund ? (record.providerRefundNo ?? '') : '0',
    refund ? (record.outRefundNo ?? '') : '0',
    refundYuan,
    '0.00',
    refund ? 'ORIGINAL' : '',
    refund ? 'SUCCESS' : '',
    record.description,
    '',
    fenToFeeText(record.feeFen),
    feeRateText(record.feeRateBp),
    fenToYuanString(orderFen),
    refundYuan,
    '',
  ]
}

/** A backtick before every value; quoted (CSV rules) only when a product name holds a comma, quote or newline. */
function cellText(value: string): string {
  const text = `\`${value}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}
