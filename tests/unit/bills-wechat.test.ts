import { describe, expect, it } from 'vitest'
import { readWechatBill, writeWechatBill } from '../../src/engine/reconciliation/bills'
import { billError, collectText, inChunks, readAll, sampleRecords } from '../support/billFiles'

const HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注'
const SUMMARY_HEADER = '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额'
const PAID =
  '`2026-11-29 12:34:56,`wx8888888888888888,`1900000109,`0,`,`4200000001202611290001,`pay_001,`oUser1,`NATIVE,`SUCCESS,`OTHERS,`CNY,`12.50,`0.00,`0,`0,`0.00,`0.00,`,`,`豆浆油条,`,`0.08000,`0.60%,`12.50,`0.00,`'
const SUB_MERCHANT_PAID =
  '`2026-11-29 13:00:00,`wx8888888888888888,`1900000109,`1900000200,`,`4200000002202611290002,`pay_002,`oUser2,`MICROPAY,`SUCCESS,`OTHERS,`CNY,`0.50,`0.00,`0,`0,`0.00,`0.00,`,`,`茶叶蛋,`,`0.00000,`0.60%,`0.50,`0.00,`'
const REFUNDED =
  '`2026-11-29 14:00:00,`wx8888888888888888,`1900000109,`0,`,`4200000001202611290001,`pay_001,`oUser1,`NATIVE,`REFUND,`OTHERS,`CNY,`12.50,`0.00,`50300000012026,`rfd_001,`4.50,`0.00,`ORIGINAL,`SUCCESS,`豆浆油条,`,`-0.03000,`0.60%,`12.50,`4.50,`'

const bill = (...rows: string[]) => Buffer.from(`\uFEFF${rows.join('\r\n')}\r\n`, 'utf8')
const read = (bytes: Buffer) => readWechatBill(inChunks(bytes))

describe('WeChat Pay trade bills, as the wallet writes them', () => {
  it('reads payments, a refund, a sub-merchant and the summary, in chunks that split rows and characters', async () => {
    const { lines, summary } = await readAll(
      read(
        bill(HEADER, PAID, SUB_MERCHANT_PAID, REFUNDED, SUMMARY_HEADER, '`3,`13.00,`4.50,`0.00,`0.05000,`13.00,`4.50'),
      ),
    )
    expect(lines).toEqual([
      {
        type: 'line',
        kind: 'payment',
        outTradeNo: 'pay_001',
        providerTradeNo: '4200000001202611290001',
        outRefundNo: null,
        merchantId: '1900000109',
        amountFen: 1250,
        feeFen: 8,
        state: 'SUCCESS',
        at: Date.parse('2026-11-29T04:34:56Z'),
        lineNumber: 2,
      },
      expect.objectContaining({ kind: 'payment', outTradeNo: 'pay_002', merchantId: '1900000200', feeFen: 0 }),
      expect.objectContaining({
        kind: 'refund',
        outTradeNo: 'pay_001',
        outRefundNo: 'rfd_001',
        amountFen: 450,
        feeFen: -3,
        state: 'REFUND',
        lineNumber: 4,
      }),
    ])
    expect(summary).toEqual({ type: 'summary', trades: 3, paidFen: 1300, refundedFen: 450, feesFen: 5 })
  })

  it('reads columns by name, wherever the wallet puts them', async () => {
    const cells = (row: string) => row.split(',')
    const swap = (row: string[]) => [row[6]!, ...row.slice(0, 6), ...row.slice(7)].join(',')
    const { lines } = await readAll(
      read(bill(swap(cells(HEADER)), swap(cells(PAID)), SUMMARY_HEADER, '`1,`12.50,`0.00,`0.00,`0.08000,`12.50,`0.00')),
    )
    expect(lines[0]).toMatchObject({
      outTradeNo: 'pay_001',
      providerTradeNo: '4200000001202611290001',
      amountFen: 1250,
    })
  })

  it('rounds a fee with a fraction of a fen half up, and checks the summary to the thousandth of a fen', async () => {
    const half = PAID.replace('`0.08000', '`0.07500')
    const under = SUB_MERCHANT_PAID.replace('`0.00000', '`0.00499')
    const { lines, summary } = await readAll(
      read(bill(HEADER, half, under, SUMMARY_HEADER, '`2,`13.00,`0.00,`0.00,`0.07999,`13.00,`0.00')),
    )
    expect(lines.map((line) => line.feeFen)).toEqual([8, 0])
    expect(summary.feesFen).toBe(8)
  })

  it('reads an empty day: a header and a summary of zeros', async () => {
    const { lines, summary } = await readAll(
      read(bill(HEADER, SUMMARY_HEADER, '`0,`0.00,`0.00,`0.00,`0.00000,`0.00,`0.00')),
    )
    expect(lines).toEqual([])
    expect(summary).toEqual({ type: 'summary', trades: 0, paidFen: 0, refundedFen: 0, feesFen: 0 })
  })

  it('refuses a file without the header', async () => {
    const error = await billError(read(bill(PAID, SUMMARY_HEADER, '`1,`12.50,`0.00,`0.00,`0.08000,`12.50,`0.00')))
    expect(error.code).toBe('BILL_INVALID')
    expect(error.message).toMatch(/line 1: .*商户订单号/)
  })

  it('refuses a header without a column the reader needs', async () => {
    const error = await billError(read(bill(HEADER.replace('手续费,', '服务费,'), SUMMARY_HEADER)))
    expect(error.code).toBe('BILL_INVALID')
    expect(error.message).toContain('手续费')
  })

  it('refuses an amount that is not a number, naming the line', async () => {
    const error = await billError(
      read(bill(HEADER, SUB_MERCHANT_PAID, PAID.replace('`12.50', '`12,50'), SUMMARY_HEADER, '`2,`13.00')),
    )
    expect(error.code).toBe('BILL_INVALID')
    expect(error.message).toMatch(/^line 3: /)
  })

  it('refuses a summary that disagrees with the lines', async () => {
    const error = await billError(
      read(bill(HEADER, PAID, REFUNDED, SUMMARY_HEADER, '`2,`12.50,`4.00,`0.00,`0.05000,`12.50,`4.50')),
    )
    expect(error.code).toBe('BILL_INVALID')
    expect(error.message).toMatch(/line 5: .*refunded total \(fen\) says 400, the lines add up to 450/)
  })

  it('refuses a bill cut off before its summary', async () => {
    const error = await billError(read(bill(HEADER, PAID)))
    expect(error.code).toBe('BILL_INVALID')
    expect(error.message).toContain('summary')
  })

  it('names the line of a quoted value that never closes, rather than reading the rest of the bill into it', async () => {
    const broken = PAID.replace(',`豆浆油条,', ',"`豆浆油条,')
    const error = await billError(read(bill(HEADER, SUB_MERCHANT_PAID, broken, REFUNDED, SUMMARY_HEADER, '`3')))
    expect(error.code).toBe('BILL_INVALID')
    expect(error.message).toBe('line 3: a quoted value is never closed')
    expect(error.details).toEqual({ line: 3 })
  })

  it('refuses an unknown trade state', async () => {
    const error = await billError(read(bill(HEADER, PAID.replace('`SUCCESS', '`NOTPAY'), SUMMARY_HEADER, '`1')))
    expect(error.message).toMatch(/line 2: unknown 交易状态 "NOTPAY"/)
  })
})

describe('reading a large WeChat Pay bill as a stream', () => {
  /** A bill of `count` paid lines, produced only as the reader pulls it, counting what was pulled and closed. */
  function lazyBill(count: number) {
    const seen = { chunks: 0, closed: false }
    const source = (async function* () {
      try {
        yield Buffer.from(`\uFEFF${HEADER}\r\n`)
        for (let i = 0; i < count; i += 100) {
          seen.chunks += 1
          yield Buffer.from(`${Array.from({ length: 100 }, () => PAID).join('\r\n')}\r\n`)
        }
      } finally {
        seen.closed = true
      }
    })()
    return { source, seen }
  }

  it('parses ahead of a slow reader by a few chunks only, not the whole file', async () => {
    const { source, seen } = lazyBill(100_000)
    const reader = readWechatBill(source)
    expect((await reader.next()).value).toMatchObject({ type: 'line', outTradeNo: 'pay_001' })
    for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve))
    expect(seen.chunks).toBeGreaterThan(0)
    expect(seen.chunks).toBeLessThan(100)
    await reader.return(undefined)
    expect(seen.closed).toBe(true)
  })

  it('closes the source when a bad line stops the reading', async () => {
    const { source, seen } = lazyBill(100_000)
    const broken = (async function* () {
      let first = true
      for await (const chunk of source) {
        yield first ? chunk : Buffer.from(`${PAID.replace('`12.50', '`12.5x')}\r\n`)
        first = false
      }
    })()
    expect((await billError(readWechatBill(broken))).message).toMatch(/^line 2: 应结订单金额/)
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve))
    expect(seen.closed).toBe(true)
    expect(seen.chunks).toBeLessThan(100)
  })
})

describe('WeChat Pay trade bills, as the simulator writes them', () => {
  it('writes the exact format: a BOM, backticks, five-decimal fees, the summary', async () => {
    const text = await collectText(writeWechatBill(sampleRecords('1900000109')))
    const rows = text.split('\r\n')
    expect(text.startsWith('\uFEFF交易时间,公众账号ID,')).toBe(true)
    expect(rows[0]).toBe(`\uFEFF${HEADER}`)
    expect(rows[1]).toMatch(/^`2026-11-29 12:34:56,`wx\w+,`1900000109,`0,`,`4200000001,`pay_001,/)
    expect(rows[1]).toContain(
      ',`SUCCESS,`OTHERS,`CNY,`12.50,`0.00,`0,`0,`0.00,`0.00,`,`,`豆浆油条,`,`0.08000,`0.60%,`12.50,`0.00,`',
    )
    expect(rows[2]).toContain('"`茶叶蛋, 两个"')
    expect(rows[3]).toContain(',`REFUND,`OTHERS,`CNY,`12.50,`0.00,`5030000001,`rfd_001,`4.50,`0.00,`ORIGINAL,`SUCCESS,')
    expect(rows[3]).toContain(',`-0.03000,')
    expect(rows[4]).toBe(SUMMARY_HEADER)
    expect(rows[5]).toBe('`3,`13.00,`4.50,`0.00,`0.05000,`13.00,`4.50')
    expect(rows[6]).toBe('')
  })

  it('reads back what it wrote', async () => {
    const records = sampleRecords('1900000109')
    const { lines, summary } = await readAll(readWechatBill(writeWechatBill(records)))
    expect(
      lines.map(({ kind, outTradeNo, outRefundNo, amountFen, feeFen, at }) => ({
        kind,
        outTradeNo,
        outRefundNo: outRefundNo ?? null,
        amountFen,
        feeFen,
        at,
      })),
    ).toEqual(
      records.map(({ kind, outTradeNo, outRefundNo, amountFen, feeFen, at }) => ({
        kind,
        outTradeNo,
        outRefundNo: outRefundNo ?? null,
        amountFen,
        feeFen,
        at,
      })),
    )
    expect(summary).toEqual({ type: 'summary', trades: 3, paidFen: 1300, refundedFen: 450, feesFen: 5 })
  })

  it('writes an empty day the reader reads', async () => {
    const text = await collectText(writeWechatBill([]))
    expect(text.split('\r\n').slice(1, 3)).toEqual([SUMMARY_HEADER, '`0,`0.00,`0.00,`0.00,`0.00000,`0.00,`0.00'])
    expect((await readAll(readWechatBill([text]))).lines).toEqual([])
  })
})
