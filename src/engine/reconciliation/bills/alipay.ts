import { createWriteStream } from 'node:fs'
import { pipeline, Readable } from 'node:stream'
import { pipeline as pipelineAsync } from 'node:stream/promises'
import iconv from 'iconv-lite'
import yauzl from 'yauzl'
import yazl from 'yazl'
import { EngineError } from '../../../shared/errors'
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
import { ColumnIndex, csvRowBatches, csvRows, type CsvRow } from './csvRecords'
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
/** A comment line as written: the parser split it at its commas. */
const commentText = (row: CsvRow): string => row.cells.join(',').trim()

/** What the summary file says, net of refunds as Alipay prints it. */
interface AlipaySaid {
  payments: number
  refunds: number
  netFen: number
  feesMilliFen: number
}

/**
 * Reads an Alipay trade bill zip: the detail lines as they stream out of the zip, then one summary. A zip may
 * hold the files of several accounts (one pair per PID, each named after it): their lines follow each other and
 * the summary covers them all.
 */
export async function* readAlipayBill(zipPath: string): AsyncGenerator<BillEntry> {
  for await (const batch of readAlipayBillBatches(zipPath)) yield* batch
}

/** readAlipayBill a parsed chunk at a time. */
export async function* readAlipayBillBatches(zipPath: string): AsyncGenerator<BillEntry[]> {
  const zip = await openZip(zipPath)
  try {
    const overall: BillSummary = { type: 'summary', trades: 0, paidFen: 0, refundedFen: 0, feesFen: 0 }
    for (const pair of await billFiles(zip)) {
      const summary = yield* readAccountFiles(zip, pair)
      overall.trades += summary.trades
      overall.paidFen += summary.paidFen
      overall.refundedFen += summary.refundedFen
      overall.feesFen += summary.feesFen
    }
    yield [overall]
  } finally {
    zip.close()
  }
}

interface AccountFiles {
  name: string
  detail: yauzl.Entry
  summary: yauzl.Entry
}

async function* readAccountFiles(zip: yauzl.ZipFile, files: AccountFiles): AsyncGenerator<BillLine[], BillSummary> {
  try {
    const said = await readSummaryFile(await gbkEntry(zip, files.summary))
    const reader = new AlipayDetailReader()
    for await (const rows of csvRowBatches(await gbkEntry(zip, files.detail))) {
      const lines: BillLine[] = []
      for (const row of rows) {
        const line = reader.take(row)
        if (line) lines.push(line)
      }
      yield lines
    }
    return reader.finish(said)
  } catch (error) {
    if (error instanceof EngineError && error.code === 'BILL_INVALID') {
      throw new EngineError('BILL_INVALID', `${files.name}, ${error.message}`, error.details)
    }
    throw error
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

/** The detail files of the zip, each with the summary file named after it. */
async function billFiles(zip: yauzl.ZipFile): Promise<AccountFiles[]> {
  const entries = new Map<string, yauzl.Entry>()
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.set(entryName(entry), entry)
      zip.readEntry()
    })
    zip.once('end', resolve)
    zip.once('error', (error: Error) => reject(invalidBill(null, `the zip cannot be read: ${error.message}`)))
    zip.readEntry()
  })
  if (![...entries.keys()].some((name) => name.endsWith(DETAIL_SUFFIX))) {
    throw invalidBill(null, `the zip holds no file named …${DETAIL_SUFFIX}`)
  }
  return [...entries]
    .filter(([name]) => name.endsWith(DETAIL_SUFFIX))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, detail]) => {
      const summaryName = `${name.slice(0, -DETAIL_SUFFIX.length)}${SUMMARY_SUFFIX}`
      const summary = entries.get(summaryName)
      if (!summary) throw invalidBill(null, `the zip holds ${name} without ${summaryName}`)
      return { name, detail, summary }
    })
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

const FOOTER = /^#(交易|退款)合计[：:]\s*(\d+)笔/

/** The detail file: comment lines (the account among them), the header, the lines, closing comment lines. */
class AlipayDetailReader {
  private columns: ColumnIndex | null = null
  private pid: string | null = null
  private ended = false
  private lastLine = 0
  private readonly footers: { kind: '交易' | '退款'; count: number; lineNumber: number }[] = []
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
    const account = /^#账号[：:]\s*\[([^\]]*)\]/.exec(text)
    if (account) this.pid = account[1]!.trim() || null
    if (this.columns) this.ended = true
    const footer = FOOTER.exec(text)
    if (footer) this.footers.push({ kind: footer[1] as '交易' | '退款', count: Number(footer[2]), lineNumber })
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

  /**
   * The closing #交易合计 / #退款合计 lines are checked for their counts only: which amount each names first
   * (商家实收, 订单金额…) varies between Alipay's bills, and the summary file's amounts are checked already.
   */
  private checkFooters(): void {
    for (const footer of this.footers) {
      const count = footer.kind === '交易' ? this.totals.payments : this.totals.refunds
      if (footer.count !== count) {
        throw invalidBill(footer.lineNumber, `${footer.kind}合计 says ${footer.count}笔, the lines are ${count}`)
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
  /** The bill's Beijing calendar day, YYYY-MM-DD. */
  date: string
  /** When the bill was exported (ms); by default 09:00 the next morning. */
  exportedAt?: number
}

/** One account's part of the bill: its PID (2088…) and its trades and refunds of the day. */
export interface AlipayAccountRecords {
  pid: string
  records: Iterable<BillRecord> | AsyncIterable<BillRecord>
}

const DAY_MS = 24 * 3600_000

/**
 * Writes an Alipay trade bill zip: for each account, the detail and summary files in GBK, framed as Alipay
 * frames them. Lines are encoded as they are written into the zip, never gathered whole.
 */
export async function writeAlipayBill(
  accounts: readonly AlipayAccountRecords[],
  options: AlipayBillOptions,
  zipPath: string,
): Promise<void> {
  const start = beijingDayStart(options.date)
  const exportedAt = options.exportedAt ?? start + DAY_MS + 9 * 3600_000
  const zip = new yazl.ZipFile()
  const mtime = new Date(exportedAt)
  for (const account of accounts) {
    const files = accountFiles(account.records, billFrame(account.pid, start, exportedAt))
    const prefix = `${account.pid}_${options.date.replaceAll('-', '')}`
    zip.addReadStream(gbkStream(files.detail()), `${prefix}_${DETAIL_SUFFIX}`, { mtime })
    zip.addReadStream(gbkStream(files.summary()), `${prefix}_${SUMMARY_SUFFIX}`, { mtime })
  }
  zip.end()
  // A failing entry stream is reported on the zip, not on its output.
  const failed = new Promise<never>((_resolve, reject) => zip.once('error', reject))
  await Promise.race([pipelineAsync(zip.outputStream, createWriteStream(zipPath, { mode: 0o600 })), failed])
}

type Frame = ReturnType<typeof billFrame>

/** The two files of one account: the summary is written from the totals of the detail, once it is written. */
function accountFiles(records: AlipayAccountRecords['records'], frame: Frame) {
  const totals = emptyTotals()
  let feesFen = 0
  let detailWritten = (): void => undefined
  const written = new Promise<void>((resolve) => (detailWritten = resolve))
  return {
    async *detail(): AsyncGenerator<string> {
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
      detailWritten()
    },
    async *summary(): AsyncGenerator<string> {
      await written
      yield* frame.head('业务汇总查询', '业务汇总列表')
      yield `${ALIPAY_SUMMARY_HEADER.join(',')}\r\n`
      const net = totals.paidFen - totals.refundedFen
      const amounts = [net, net, 0, 0, 0, -feesFen, 0, net - feesFen].map(fenToYuanString)
      yield `${[TOTAL_ROW, '', totals.payments, totals.refunds, ...amounts].join(',')}\r\n`
      yield `#-----------------------------------------业务汇总列表结束------------------------------------\r\n`
      yield frame.exported
    },
  }
}

function billFrame(pid: string, start: number, exportedAt: number) {
  const chinese = (ms: number) => {
    const [date, time] = formatBeijingTime(ms).split(' ') as [string, string]
    const [y, m, d] = date.split('-') as [string, string, string]
    return `${y}年${m}月${d}日 ${time}`
  }
  return {
    *head(title: string, list: string): Generator<string> {
      yield `#支付宝${title}\r\n`
      yield `#账号：[${pid}]\r\n`
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
