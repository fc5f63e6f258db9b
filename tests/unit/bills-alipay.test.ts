import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import iconv from 'iconv-lite'
import yauzl from 'yauzl'
import { afterAll, describe, expect, it } from 'vitest'
import { readAlipayBill, readBill, writeAlipayBill } from '../../src/engine/reconciliation/bills'
import { billError, readAll, sampleRecords, writeGbkZip, writeZipNamedInGbk } from '../support/billFiles'
import { tempDir } from '../support/engine'

const PID = '2088123456789012'
const dir = tempDir()
afterAll(() => dir.remove())
let files = 0
const zipPath = () => join(dir.path, `bill-${++files}.zip`)

const DETAIL_HEADER =
  '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注'
const SUMMARY_HEADER =
  '门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）'
const HEAD = [
  '#支付宝业务明细查询',
  `#账号：[${PID}]`,
  '#起始日期：[2026年11月29日 00:00:00]   终止日期：[2026年11月30日 00:00:00]',
  '#-----------------------------------------业务明细列表----------------------------------------',
]
const PAID =
  '2026112922001400001\t,pay_001\t,交易,豆浆油条,2026-11-29 12:34:50,2026-11-29 12:34:56,,,,,abc***@163.com,12.50,12.50,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,,-0.08,0.00,'
const HUABEI =
  '2026112922001400002\t,pay_002\t,交易,煎饼果子,2026-11-29 13:00:00,2026-11-29 13:00:05,S01,前门店,,,xyz***@qq.com,300.00,300.00,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,,-4.80,0.00,花呗分期'
const FREE =
  '2026112922001400003\t,pay_003\t,交易,茶叶蛋,2026-11-29 13:10:00,2026-11-29 13:10:01,,,,,,0.50,0.50,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,,0.00,0.00,'
const REFUNDED =
  '2026112922001400001\t,pay_001\t,退款,豆浆油条,2026-11-29 15:00:00,2026-11-29 15:00:02,,,,,abc***@163.com,-4.50,-4.50,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,rfd_001\t,0.03,0.00,'
const TAIL = (paid: string, refunds: string) => [
  '#-----------------------------------------业务明细列表结束------------------------------------',
  paid,
  refunds,
  '#导出时间：[2026年11月30日 09:12:43]',
]
const summaryFile = (...rows: string[]) =>
  ['#支付宝业务汇总查询', `#账号：[${PID}]`, SUMMARY_HEADER, ...rows, '#导出时间：[2026年11月30日 09:12:43]'].join(
    '\r\n',
  )

async function handWritten(detail: string[], summaryRows: string[]): Promise<string> {
  const path = zipPath()
  await writeGbkZip(path, {
    [`${PID}_20261129_业务明细.csv`]: `${detail.join('\r\n')}\r\n`,
    [`${PID}_20261129_业务明细(汇总).csv`]: `${summaryFile(...summaryRows)}\r\n`,
  })
  return path
}

const FULL_DETAIL = [
  ...HEAD,
  DETAIL_HEADER,
  PAID,
  HUABEI,
  FREE,
  REFUNDED,
  ...TAIL(
    '#交易合计：3笔，商家实收共313.00元，商家优惠共0.00元',
    '#退款合计：1笔，商家实收共-4.50元，商家优惠共0.00元',
  ),
]

describe('Alipay trade bills, as the wallet writes them', () => {
  it('reads trades, Huabei, a zero fee and a refund from GBK files with tabs and comment lines', async () => {
    const path = await handWritten(FULL_DETAIL, [
      ',,2,1,8.50,8.50,0.00,0.00,0.00,-0.05,0.00,8.45',
      'S01,前门店,1,0,300.00,300.00,0.00,0.00,0.00,-4.80,0.00,295.20',
    ])
    const { lines, summary } = await readAll(readAlipayBill(path))
    expect(lines[0]).toEqual({
      type: 'line',
      kind: 'payment',
      outTradeNo: 'pay_001',
      providerTradeNo: '2026112922001400001',
      outRefundNo: null,
      merchantId: PID,
      amountFen: 1250,
      feeFen: 8,
      state: '交易',
      at: Date.parse('2026-11-29T04:34:56Z'),
      lineNumber: 6,
    })
    expect(
      lines.slice(1).map(({ kind, outTradeNo, outRefundNo, amountFen, feeFen }) => ({
        kind,
        outTradeNo,
        outRefundNo,
        amountFen,
        feeFen,
      })),
    ).toEqual([
      { kind: 'payment', outTradeNo: 'pay_002', outRefundNo: null, amountFen: 30000, feeFen: 480 },
      { kind: 'payment', outTradeNo: 'pay_003', outRefundNo: null, amountFen: 50, feeFen: 0 },
      { kind: 'refund', outTradeNo: 'pay_001', outRefundNo: 'rfd_001', amountFen: 450, feeFen: -3 },
    ])
    expect(summary).toEqual({ type: 'summary', trades: 4, paidFen: 31300, refundedFen: 450, feesFen: 485 })
  })

  it('finds the files by their GBK names, as Alipay zips them without the UTF-8 flag', async () => {
    const path = zipPath()
    await writeZipNamedInGbk(path, {
      [`${PID}_20261129_业务明细.csv`]: FULL_DETAIL.join('\r\n'),
      [`${PID}_20261129_业务明细(汇总).csv`]: summaryFile('合计,,3,1,308.50,308.50,0.00,0.00,0.00,-4.85,0.00,303.65'),
    })
    const { lines, summary } = await readAll(readAlipayBill(path))
    expect(lines).toHaveLength(4)
    expect(summary).toEqual({ type: 'summary', trades: 4, paidFen: 31300, refundedFen: 450, feesFen: 485 })
  })

  it('takes the 合计 row of the summary file when there is one', async () => {
    const path = await handWritten(FULL_DETAIL, [
      'S01,前门店,1,0,300.00,300.00,0.00,0.00,0.00,-4.80,0.00,295.20',
      '合计,,3,1,308.50,308.50,0.00,0.00,0.00,-4.85,0.00,303.65',
    ])
    expect((await readAll(readAlipayBill(path))).summary.feesFen).toBe(485)
  })

  it('reads an empty day', async () => {
    const path = await handWritten(
      [...HEAD, DETAIL_HEADER, ...TAIL('#交易合计：0笔，商家实收共0.00元', '#退款合计：0笔，商家实收共0.00元')],
      ['合计,,0,0,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00'],
    )
    const { lines, summary } = await readAll(readAlipayBill(path))
    expect(lines).toEqual([])
    expect(summary).toEqual({ type: 'summary', trades: 0, paidFen: 0, refundedFen: 0, feesFen: 0 })
  })

  it('refuses a detail file without its header', async () => {
    const path = await handWritten(
      [...HEAD, PAID, ...TAIL('', '')],
      ['合计,,1,0,12.50,12.50,0.00,0.00,0.00,-0.08,0.00,12.42'],
    )
    const error = await billError(readAlipayBill(path))
    expect(error.code).toBe('BILL_INVALID')
    expect(error.message).toMatch(/业务明细.csv, line 5: .*业务明细 header/)
  })

  it('refuses a header without a column the reader needs', async () => {
    const path = await handWritten(
      [...HEAD, DETAIL_HEADER.replace('服务费（元）', '手续费（元）'), ...TAIL('', '')],
      ['合计,,0,0,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00'],
    )
    expect((await billError(readAlipayBill(path))).message).toContain('服务费（元）')
  })

  it('refuses an amount that is not a number, naming the line', async () => {
    const path = await handWritten(
      [...HEAD, DETAIL_HEADER, PAID, FREE.replace(',0.50,0.50,', ',0.5O,0.50,'), ...TAIL('', '')],
      ['合计,,2,0,13.00,13.00,0.00,0.00,0.00,-0.08,0.00,12.92'],
    )
    const error = await billError(readAlipayBill(path))
    expect(error.code).toBe('BILL_INVALID')
    expect(error.message).toMatch(/业务明细.csv, line 7: 订单金额（元） is not an amount/)
  })

  it('refuses a summary file that disagrees with the lines', async () => {
    const path = await handWritten(FULL_DETAIL, ['合计,,3,1,308.50,308.50,0.00,0.00,0.00,-4.75,0.00,303.75'])
    const error = await billError(readAlipayBill(path))
    expect(error.code).toBe('BILL_INVALID')
    expect(error.message).toMatch(/服务费（元） \(0.001 fen\) says 475000, the lines add up to 485000/)
  })

  it('refuses closing totals that disagree with the lines', async () => {
    const detail = FULL_DETAIL.map((line) =>
      line.replace('#退款合计：1笔，商家实收共-4.50元', '#退款合计：2笔，商家实收共-4.50元'),
    )
    const path = await handWritten(detail, ['合计,,3,1,308.50,308.50,0.00,0.00,0.00,-4.85,0.00,303.65'])
    const error = await billError(readAlipayBill(path))
    expect(error.message).toMatch(/, line 12: 退款合计/)
  })

  it('refuses a zip without the summary file, and a file that is no zip', async () => {
    const path = zipPath()
    await writeGbkZip(path, { [`${PID}_20261129_业务明细.csv`]: FULL_DETAIL.join('\r\n') })
    expect((await billError(readAlipayBill(path))).message).toContain('业务明细(汇总).csv')
    const notZip = zipPath()
    writeFileSync(notZip, 'this is no zip')
    expect((await billError(readAlipayBill(notZip))).code).toBe('BILL_INVALID')
  })
})

/** The files of a zip, decoded from GBK. */
async function unzipGbk(path: string): Promise<Record<string, string>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true }, (error, opened) => (error ? reject(error) : resolve(opened))),
  )
  const files: Record<string, string> = {}
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error)
        const chunks: Buffer[] = []
        stream.on('data', (chunk: Buffer) => chunks.push(chunk))
        stream.on('end', () => {
          files[entry.fileName] = iconv.decode(Buffer.concat(chunks), 'gbk')
          zip.readEntry()
        })
      })
    })
    zip.on('end', resolve)
    zip.readEntry()
  })
  return files
}

describe('Alipay trade bills, as the simulator writes them', () => {
  it('writes both GBK files with comment lines, tabs after the numbers and the totals', async () => {
    const path = zipPath()
    await writeAlipayBill([{ pid: PID, records: sampleRecords(PID) }], { date: '2026-11-29' }, path)
    const files = await unzipGbk(path)
    expect(Object.keys(files)).toEqual([`${PID}_20261129_业务明细.csv`, `${PID}_20261129_业务明细(汇总).csv`])
    const detail = files[`${PID}_20261129_业务明细.csv`]!.split('\r\n')
    expect(detail.slice(0, 3)).toEqual(HEAD.slice(0, 3))
    expect(detail[4]).toBe(DETAIL_HEADER)
    expect(detail[5]).toMatch(/^4200000001\t,pay_001\t,交易,豆浆油条,2026-11-29 12:34:56,2026-11-29 12:34:56,/)
    expect(detail[5]).toContain(',12.50,12.50,')
    expect(detail[5]).toContain(',-0.08,0.00,')
    expect(detail[6]).toContain('"茶叶蛋, 两个"')
    expect(detail[7]).toMatch(/^4200000001\t,pay_001\t,退款,.*,-4.50,-4.50,.*,rfd_001\t,0.03,0.00,$/)
    expect(detail.slice(9, 12)).toEqual([
      '#交易合计：2笔，共13.00元',
      '#退款合计：1笔，共-4.50元',
      '#导出时间：[2026年11月30日 09:00:00]',
    ])
    const summary = files[`${PID}_20261129_业务明细(汇总).csv`]!.split('\r\n')
    expect(summary[4]).toBe(SUMMARY_HEADER)
    expect(summary[5]).toBe('合计,,2,1,8.50,8.50,0.00,0.00,0.00,-0.05,0.00,8.45')
  })

  it('reads back what it wrote, through readBill', async () => {
    const path = zipPath()
    const records = sampleRecords(PID)
    await writeAlipayBill([{ pid: PID, records }], { date: '2026-11-29' }, path)
    const { lines, summary } = await readAll(readBill('alipay-zip', path))
    expect(
      lines.map(({ kind, outTradeNo, outRefundNo, amountFen, feeFen, merchantId, at }) => ({
        kind,
        outTradeNo,
        outRefundNo,
        amountFen,
        feeFen,
        merchantId,
        at,
      })),
    ).toEqual(
      records.map(({ kind, outTradeNo, outRefundNo, amountFen, feeFen, at }) => ({
        kind,
        outTradeNo,
        outRefundNo: outRefundNo ?? null,
        amountFen,
        feeFen,
        merchantId: PID,
        at,
      })),
    )
    expect(summary).toEqual({ type: 'summary', trades: 3, paidFen: 1300, refundedFen: 450, feesFen: 5 })
  })

  it('writes the files of each account, and reads them as one bill', async () => {
    const path = zipPath()
    const other = '2088999999999999'
    const [paid, , refunded] = sampleRecords(PID)
    await writeAlipayBill(
      [
        { pid: PID, records: [paid!] },
        { pid: other, records: [refunded!] },
      ],
      { date: '2026-11-29' },
      path,
    )
    const { lines, summary } = await readAll(readAlipayBill(path))
    expect(lines.map((line) => [line.kind, line.merchantId])).toEqual([
      ['payment', PID],
      ['refund', other],
    ])
    expect(summary).toEqual({ type: 'summary', trades: 2, paidFen: 1250, refundedFen: 450, feesFen: 5 })
  })
})
