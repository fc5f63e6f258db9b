import { createWriteStream } from 'node:fs'
import { pipeline, Readable } from 'node:stream'
import { pipeline as pipelineAsync } from 'node:stream/promises'
import iconv from 'iconv-lite'
import yauzl from 'yauzl'
import yazl from 'yazl'
import { fenToYuanString } from '../../../shared/money'
import {
  beijingDayStart,
  feeToMilliFen,
  formatBeijingTime,
  invalidBill,
  milliFenToFen,
  parseBeijingTime,
  yuanToFen,
} from './amounts'
import { ColumnIndex, csvRows, type CsvRow } from './csvRecords'
import { addToTotals, emptyTotals, type BillRecord, type BillTotals } from './records'
import type { BillEntry, BillLine, BillSummary } from './types'

/**
 * Alipay's trade bill (alipay.data.dataservice.bill.downloadurl.query, bill_type=trade): a zip of two GBK CSV
 * files, the detail (…业务明细.csv) and its summary (…业务明细(汇总).csv), each framed by `#` comment lines;
 * Alipay ends some values with a tab so that spreadsheets keep long numbers as text.
 *
 * Assumptions, where Alipay's published descriptions are silent or disagree:
 * - 服务费（元） is printed from the merchant's side: negative on a trade (charged), positive or zero on a refund
 *   (returned). A BillLine's fee is the other way round, so the reader negates it.
 * - A refund line's 订单金额（元） is the refunded amount, negative.
 * - The summary file has one row per store and may end with a 合计 row; its 订单金额 and 服务费 are net
 *   (trades plus the negative refunds).
 */
export const ALIPAY_DETAIL_HEADER = [
  '支付宝交易号',
  '商户订单号',
  '业务类型',
  '商品名称',
  '创建时间',
  '完成时间',
  '门店编号',
  '门店名称',
  '操作员',
  '终端号',
  '对方账户',
  '订单金额（元）',
  '商家实收（元）',
  '支付宝红包（元）',
  '集分宝（元）',
  '支付宝优惠（元）',
  '商家优惠（元）',
  '券核销金额（元）',
  '券名称',
  '商家红包消费金额（元）',
  '卡消费金额（元）',
  '退款批次号/请求号',
  '服务费（元）',
  '分润（元）',
  '备注',
] as const
type DetailColumn = (typeof ALIPAY_DETAIL_HEADER)[number]

export const ALIPAY_SUMMARY_HEADER = [
  '门店编号',
  '门店名称',
  '交易订单总笔数',
  '退款订单总笔数',
  '订单金额（元）',
  '商家实收（元）',
  '支付宝优惠（元）',
  '商家优惠（元）',
  '卡消费金额（元）',
  '服务费（元）',
  '分润（元）',
  '实收净额（元）',
] as const

const REQUIRED_DETAIL: readonly DetailColumn[] = [
  '支付宝交易号',
  '商户订单号',
  '业务类型',
  '创建时间',
  '完成时间',
  '订单金额（元）',
  '退款批次号/请求号',
  '服务费（元）',
]
const REQUIRED_SUMMARY = ['门店编号', '交易订单总笔数', '退款订单总笔数', '订单金额（元）', '服务费（元）']
const DETAIL_SUFFIX = '业务明细.csv'
const SUMMARY_SUFFIX = '业务明细(汇总).csv'
const TOTAL_ROW = '合计'

const clean = (cell: string): string => cell.trim()
const isComment = (row: CsvRow): boolean => (row.cells[0] ?? '').trimStart().startsWith('#')
/** A comment line as written: csv-parse split it at its commas. */
const commentText = (row: CsvRow): string => row.cells.join(',').trim()

/** What the summary file says, net of refunds as Alipay prints it. */
interface AlipaySaid {
  payments: number
  refunds: number
  netFen: number
  feesMilliFen: number
}

/** Reads an Alipay trade bill zip: the detail lines as they stream out of the zip, then the summary. */
export async function* readAlipayBill(zipPath: string): AsyncGenerator<BillEntry> {
  const zip = await openZip(zipPath)
  try {
    const { detail, summary } = await billEntries(zip)
    const said = await readSummaryFile(await gbkEntry(zip, summary))
    const reader = new AlipayDetailReader()
    for await (const row of csvRows(await gbkEntry(zip, detail))) {
      const line = reader.take(row)
      if (line) yield line
    }
    yield reader.finish(said)
  } finally {
    zip.close()
  }
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, decodeStrings: false }, (error, zip) => {
      if (error) reject(invalidBill(null, `not a zip file: ${error.message}`))
      else resolve(zip)
    })
  })
}

/** Alipay names its files in GBK without the zip's UTF-8 flag; a zip written with the flag is read as UTF-8. */
function entryName(entry: yauzl.Entry): string {
  const raw = entry.fileName as unknown as Buffer
  return (entry.generalPurposeBitFlag & 0x800) !== 0 ? raw.toString('utf8') : iconv.decode(raw, 'gb18030')
}

async function billEntries(zip: yauzl.ZipFile): Promise<{ detail: yauzl.Entry; summary: yauzl.Entry }> {
  let detail: yauzl.Entry | undefined
  let summary: yauzl.Entry | undefined
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = entryName(entry)
      if (name.endsWith(SUMMARY_SUFFIX)) summary = entry
      else if (name.endsWith(DETAIL_SUFFIX)) detail = entry
      zip.readEntry()
    })
    zip.once('end', resolve)
    zip.once('error', (error: Error) => reject(invalidBill(null, `the zip cannot be read: ${error.message}`)))
    zip.readEntry()
  })
  if (!detail) throw invalidBill(null, `the zip holds no file named …${DETAIL_SUFFIX}`)
  if (!summary) throw invalidBill(null, `the zip holds no file named …${SUMMARY_SUFFIX}`)
  return { detail, summary }
}

/** One file of the zip, decoded from GBK as it streams (GB18030 reads every GBK byte sequence alike). */
async function gbkEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  const stream = await new Promise<Readable>((resolve, reject) => {
    zip.openReadStream(entry, (error, opened) => (error ? reject(invalidBill(null, error.message)) : resolve(opened)))
  })
  // Errors of the zip stream reach the reader through the decoder, which pipeline destroys with them.
  return pipeline(stream, iconv.decodeStream('gb18030'), () => undefined) as unknown as Readable
}

async function readSummaryFile(source: Readable): Promise<AlipaySaid> {
  let columns: ColumnIndex | null = null
  const stores: AlipaySaid = { payments: 0, refunds: 0, netFen: 0, feesMilliFen: 0 }
  let total: AlipaySaid | null = null
  for await (const row of csvRows(source)) {
    if (isComment(row)) continue
    if (!columns) {
      columns = requireColumns(row, REQUIRED_SUMMARY, '业务明细(汇总) header')
      continue
    }
    const said = summaryRow(row, columns)
    if (columns.get(row.cells, '门店编号', clean) === TOTAL_ROW) total = said
    else addSaid(stores, said)
  }
  if (!columns) throw invalidBill(null, '业务明细(汇总) has no header row')
  return total ?? stores
}

function summaryRow(row: CsvRow, columns: ColumnIndex): AlipaySaid {
  const at = (name: string) => columns.get(row.cells, name, clean)
  const count = (name: string) => {
    const text = at(name)
    if (!/^\d{1,9}$/.test(text)) throw invalidBill(row.lineNumber, `${name} is not a count: "${text}"`)
    return Number(text)
  }
  return {
    payments: count('交易订单总笔数'),
    refunds: count('退款订单总笔数'),
    netFen: yuanToFen(at('订单金额（元）'), '订单金额（元）', row.lineNumber),
    feesMilliFen: -feeToMilliFen(at('服务费（元）'), '服务费（元）', row.lineNumber),
  }
}

function addSaid(into: AlipaySaid, said: AlipaySaid): void {
  into.payments += said.payments
  into.refunds += said.refunds
  into.netFen += said.netFen
  into.feesMilliFen += said.feesMilliFen
}

function requireColumns(row: CsvRow, required: readonly string[], what: string): ColumnIndex {
  const columns = new ColumnIndex(row.cells, clean)
  const missing = columns.missing(required)
  if (missing.length) {
    throw invalidBill(row.lineNumber, `not an Alipay trade bill ${what}: no column ${missing.join(', ')}`)
  }
  return columns
}

const FOOTER = /^#(交易|退款)合计[：:]\s*(\d+)笔.*?共(-?\d+(?:\.\d+)?)元/

/** The detail file: comment lines (the account among them), the header, the lines, closing comment lines. */
class AlipayDetailReader {
  private columns: ColumnIndex | null = null
  private pid: string | null = null
  private ended = false
  private lastLine = 0
  private readonly footers: { kind: '交易' | '退款'; count: number; fen: number; lineNumber: number }[] = []
  private readonly totals: BillTotals = emptyTotals()

  take(row: CsvRow): BillLine | null {
    this.lastLine = row.lineNumber
    if (isComment(row)) {
      this.comment(commentText(row), row.lineNumber)
      return null
    }
    if (this.ended) throw invalidBill(row.lineNumber, 'a row after the end of the list')
    if (!this.columns) {
      this.columns = requireColumns(row, REQUIRED_DETAIL, '业务明细 header')
      return null
    }
    const { line, feeMilliFen } = alipayLine(row, this.columns, this.pid)
    addToTotals(this.totals, line, feeMilliFen)
    return line
  }

  private comment(text: string, lineNumber: number): void {
    const account = /^#账号[：:]\s*\[(\d+)\]/.exec(text)
    if (account) this.pid = account[1]!
    if (this.columns) this.ended = true
    const footer = FOOTER.exec(text)
    if (footer) {
      const fen = yuanToFen(footer[3]!, `${footer[1]}合计`, lineNumber)
      this.footers.push({ kind: footer[1] as '交易' | '退款', count: Number(footer[2]), fen, lineNumber })
    }
  }

  finish(said: AlipaySaid): BillSummary {
    if (!this.columns) throw invalidBill(null, '业务明细 has no header row')
    const t = this.totals
    const wrong = [
      ['交易订单总笔数', said.payments, t.payments],
      ['退款订单总笔数', said.refunds, t.refunds],
      ['订单金额（元） (fen)', said.netFen, t.paidFen - t.refundedFen],
      ['服务费（元） (0.001 fen)', said.feesMilliFen, t.feesMilliFen],
    ].filter(([, a, b]) => a !== b)
    if (wrong.length) {
      const what = wrong.map(([name, a, b]) => `${name} says ${a}, the lines add up to ${b}`).join('; ')
      throw invalidBill(this.lastLine, `业务明细(汇总) disagrees with the lines: ${what}`)
    }
    this.checkFooters()
    const feesFen = milliFenToFen(t.feesMilliFen)
    return { type: 'summary', trades: t.trades, paidFen: t.paidFen, refundedFen: t.refundedFen, feesFen }
  }

  private checkFooters(): void {
    for (const footer of this.footers) {
      const payments = footer.kind === '交易'
      const count = payments ? this.totals.payments : this.totals.refunds
      const fen = payments ? this.totals.paidFen : -this.totals.refundedFen
      if (footer.count !== count || footer.fen !== fen) {
        throw invalidBill(
          footer.lineNumber,
          `${footer.kind}合计 says ${footer.count} for ${footer.fen} fen, the lines ${count} for ${fen} fen`,
        )
      }
    }
  }
}

function alipayLine(row: CsvRow, columns: ColumnIndex, pid: string | null): { line: BillLine; feeMilliFen: number } {
  const at = (name: DetailColumn) => columns.get(row.cells, name, clean)
  const n = row.lineNumber
  const state = at('业务类型')
  if (state !== '交易' && state !== '退款') throw invalidBill(n, `unknown 业务类型 "${state}"`)
  const refund = state === '退款'
  const orderFen = yuanToFen(at('订单金额（元）'), '订单金额（元）', n)
  if (refund ? orderFen > 0 : orderFen < 0) {
    throw invalidBill(n, `订单金额（元） of a ${refund ? 'refund must be negative' : 'trade must not be negative'}`)
  }
  const outTradeNo = at('商户订单号')
  if (!outTradeNo) throw invalidBill(n, '商户订单号 is empty')
  const feeMilliFen = -feeToMilliFen(at('服务费（元）'), '服务费（元）', n)
  const line: BillLine = {
    type: 'line',
    kind: refund ? 'refund' : 'payment',
    outTradeNo,
    providerTradeNo: at('支付宝交易号') || null,
    outRefundNo: refund ? at('退款批次号/请求号') || null : null,
    merchantId: pid,
    amountFen: Math.abs(orderFen),
    feeFen: milliFenToFen(feeMilliFen),
    state,
    at: parseBeijingTime(at('完成时间')) ?? parseBeijingTime(at('创建时间')),
    lineNumber: n,
  }
  return { line, feeMilliFen }
}

export interface AlipayBillOptions {
  /** The merchant's Alipay account (PID, 2088…). */
  pid: string
  /** The bill's Beijing calendar day, YYYY-MM-DD. */
  date: string
  /** When the bill was exported (ms); by default 09:00 the next morning. */
  exportedAt?: number
}

const DAY_MS = 24 * 3600_000

/** Writes an Alipay trade bill zip: the detail and summary files in GBK, as Alipay frames them. */
export async function writeAlipayBill(
  records: Iterable<BillRecord> | AsyncIterable<BillRecord>,
  options: AlipayBillOptions,
  zipPath: string,
): Promise<void> {
  const start = beijingDayStart(options.date)
  const exportedAt = options.exportedAt ?? start + DAY_MS + 9 * 3600_000
  const frame = billFrame(options, start, exportedAt)
  const totals = emptyTotals()
  let feesFen = 0
  const detail = async function* (): AsyncGenerator<string> {
    yield* frame.head('业务明细查询', '业务明细列表')
    yield `${ALIPAY_DETAIL_HEADER.join(',')}\r\n`
    for await (const record of records) {
      addToTotals(totals, record, 0)
      feesFen += record.feeFen
      yield `${alipayRow(record).map(alipayCell).join(',')}\r\n`
    }
    yield `#-----------------------------------------业务明细列表结束------------------------------------\r\n`
    yield `#交易合计：${totals.payments}笔，共${fenToYuanString(totals.paidFen)}元\r\n`
    yield `#退款合计：${totals.refunds}笔，共${fenToYuanString(-totals.refundedFen)}元\r\n`
    yield frame.exported
  }
  // yazl reads its entries one after the other: the summary is written once the detail has been.
  const summary = async function* (): AsyncGenerator<string> {
    yield* frame.head('业务汇总查询', '业务汇总列表')
    yield `${ALIPAY_SUMMARY_HEADER.join(',')}\r\n`
    const net = fenToYuanString(totals.paidFen - totals.refundedFen)
    const fee = fenToYuanString(-feesFen)
    const kept = fenToYuanString(totals.paidFen - totals.refundedFen - feesFen)
    const counts = `${totals.payments},${totals.refunds}`
    yield `${TOTAL_ROW},,${counts},${net},${net},0.00,0.00,0.00,${fee},0.00,${kept}\r\n`
    yield `#-----------------------------------------业务汇总列表结束------------------------------------\r\n`
    yield frame.exported
  }
  const zip = new yazl.ZipFile()
  const mtime = new Date(exportedAt)
  const prefix = `${options.pid}_${options.date.replaceAll('-', '')}`
  zip.addReadStream(gbkStream(detail()), `${prefix}_${DETAIL_SUFFIX}`, { mtime })
  zip.addReadStream(gbkStream(summary()), `${prefix}_${SUMMARY_SUFFIX}`, { mtime })
  zip.end()
  await pipelineAsync(zip.outputStream, createWriteStream(zipPath, { mode: 0o600 }))
}

function billFrame(options: AlipayBillOptions, start: number, exportedAt: number) {
  const chinese = (ms: number) => {
    const [date, time] = formatBeijingTime(ms).split(' ') as [string, string]
    const [y, m, d] = date.split('-') as [string, string, string]
    return `${y}年${m}月${d}日 ${time}`
  }
  return {
    *head(title: string, list: string): Generator<string> {
      yield `#支付宝${title}\r\n`
      yield `#账号：[${options.pid}]\r\n`
      yield `#起始日期：[${chinese(start)}]   终止日期：[${chinese(start + DAY_MS)}]\r\n`
      yield `#-----------------------------------------${list}----------------------------------------\r\n`
    },
    exported: `#导出时间：[${chinese(exportedAt)}]\r\n`,
  }
}

function gbkStream(lines: AsyncIterable<string>): Readable {
  return Readable.from(
    (async function* () {
      for await (const line of lines) yield iconv.encode(line, 'gbk')
    })(),
  )
}

/** The numbers Alipay ends with a tab (its trade and refund numbers), so spreadsheets keep them as text. */
function alipayRow(record: BillRecord): string[] {
  const refund = record.kind === 'refund'
  const sign = refund ? -1 : 1
  const amount = fenToYuanString(sign * record.amountFen)
  const time = formatBeijingTime(record.at)
  const zero = '0.00'
  return [
    `${record.providerTradeNo}\t`,
    `${record.outTradeNo}\t`,
    refund ? '退款' : '交易',
    record.description,
    time,
    time,
    '',
    '',
    '',
    '',
    'sim***@example.com',
    amount,
    amount,
    zero,
    zero,
    zero,
    zero,
    zero,
    '',
    zero,
    zero,
    refund ? `${record.outRefundNo ?? ''}\t` : '',
    fenToYuanString(-record.feeFen),
    zero,
    '',
  ]
}

function alipayCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}
