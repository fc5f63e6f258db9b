import { request as httpGet } from 'node:http'
import ExcelJS from 'exceljs'
import { afterEach, describe, expect, it } from 'vitest'
import { parse } from 'csv-parse/sync'
import type { Order } from '../../src/shared/api/types'
import { DEMO_STAFF } from '../../src/engine/seed/demoStaff'
import { START } from '../support/engine'
import { seedPaidOrders } from '../support/manyOrders'
import { customerPays } from '../support/simulator'
import { TEST_TOKEN, testServer } from '../support/server'

let s: Awaited<ReturnType<typeof testServer>>
afterEach(async () => s?.dispose())

const DAY = '2026-11-21'
const RANGE = `from=${DAY}&to=${DAY}`
const OWNER = DEMO_STAFF.find((m) => m.role === 'owner')!.name

async function download(path: string, session: string) {
  const response = await fetch(`${s.base}${path}`, {
    headers: { Authorization: `Bearer ${TEST_TOKEN}`, 'X-Hutong-Session': session },
  })
  return { response, bytes: Buffer.from(await response.arrayBuffer()) }
}

function csvRows(bytes: Buffer): string[][] {
  return parse(bytes.subarray(3).toString('utf8'), { relax_column_count: true }) as string[][]
}

/** A cash sale of 0.01, one of 12,345.67, and a WeChat sale of 88.00 with 12.34 given back. */
async function makeSales() {
  const cash = async (amountFen: number) => {
    const order = (await s.api('POST', '/api/orders', { amountFen })).json as Order
    await s.api('POST', `/api/orders/${order.id}/payments`, { wallet: 'cash', tenderedFen: amountFen })
    return order
  }
  const tiny = await cash(1)
  const large = await cash(1_234_567)
  const order = (await s.api('POST', '/api/orders', { amountFen: 8800 })).json as Order
  const payment = (await s.api('POST', `/api/orders/${order.id}/payments`, { wallet: 'wechat', qrSvg: false })).json
  await customerPays(s.engine, payment.qrContent)
  const refund = (
    await s.api('POST', `/api/orders/${order.id}/refunds`, { amountFen: 1234, reason: 'customer_return' })
  ).json
  await s.engine.idle()
  return { tiny, large, wechat: { order, payment, refund } }
}

async function sheetOf(bytes: Buffer): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(bytes as never)
  return workbook.worksheets[0]!
}

describe('exports of orders, payments and refunds', () => {
  it('writes orders as a CSV Excel reads: BOM, CRLF, Chinese headings, exact yuan', async () => {
    s = await testServer()
    const { tiny, large, wechat } = await makeSales()
    const owner = await s.signIn('owner')
    const { response, bytes } = await download(`/api/exports/orders.csv?${RANGE}`, owner)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="orders-${DAY}_${DAY}.csv"`)
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = bytes.subarray(3).toString('utf8')
    expect(text.split('\r\n')[0]).toBe(
      '单号,订单ID,营业日,创建时间,支付时间,状态,支付方式,收款方式,金额(元),已退款(元),净额(元),收银员,收银台,模式',
    )
    expect(text.replace(/\r\n/g, '')).not.toContain('\n')
    const rows = csvRows(bytes).slice(1)
    expect(rows.map((r) => [r[0], r[1], r[2], r[5], r[6], r[8], r[9], r[10], r[13]])).toEqual([
      ['#0001', tiny.id, DAY, '已支付', '现金', '0.01', '0.00', '0.01', '模拟'],
      ['#0002', large.id, DAY, '已支付', '现金', '12345.67', '0.00', '12345.67', '模拟'],
      ['#0003', wechat.order.id, DAY, '已支付', '微信支付', '88.00', '12.34', '75.66', '模拟'],
    ])
    // 10:00 in Beijing on the 21st is when the test clock stands.
    expect(rows[0]![3]).toBe(new Date(START + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' '))
    expect(rows[0]![11]).toBe(OWNER)
  })

  it('writes payments and refunds with the numbers the wallets know them by', async () => {
    s = await testServer()
    const { wechat } = await makeSales()
    const owner = await s.signIn('owner')
    const payments = csvRows((await download(`/api/exports/payments.csv?${RANGE}`, owner)).bytes)
    expect(payments[0]!.slice(0, 3)).toEqual(['商户订单号', '单号', '订单ID'])
    const paid = payments.find((row) => row[0] === wechat.payment.id)!
    const stored = s.engine.db
      .prepare('SELECT provider_trade_no, merchant_fee_fen FROM payment_attempts WHERE id = ?')
      .get(wechat.payment.id) as { provider_trade_no: string; merchant_fee_fen: number }
    expect(paid.slice(1, 3)).toEqual(['#0003', wechat.order.id])
    expect(paid.slice(5, 8)).toEqual(['成功', '微信支付', '扫码'])
    expect(paid[9]).toBe('88.00')
    expect(paid[11]).toBe(stored.provider_trade_no)
    expect(paid[10]).toBe(
      `${Math.trunc(stored.merchant_fee_fen / 100)}.${String(stored.merchant_fee_fen % 100).padStart(2, '0')}`,
    )
    expect(payments).toHaveLength(4)

    const refunds = csvRows((await download(`/api/exports/refunds.csv?${RANGE}`, owner)).bytes)
    expect(refunds).toHaveLength(2)
    expect(refunds[0]!.slice(0, 4)).toEqual(['商户退款单号', '单号', '订单ID', '商户订单号'])
    const refund = refunds[1]!
    expect(refund.slice(0, 4)).toEqual([wechat.refund.id, '#0003', wechat.order.id, wechat.payment.id])
    expect(refund.slice(6, 11)).toEqual(['商户退款', 'customer_return', '成功', '微信支付', '12.34'])
    expect(refund[12]).toBe(OWNER)
  })

  it('writes an Excel workbook whose amounts are numbers shown in yuan', async () => {
    s = await testServer()
    const { large, wechat } = await makeSales()
    const owner = await s.signIn('owner')
    const { response, bytes } = await download(`/api/exports/orders.xlsx?${RANGE}`, owner)
    expect(response.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    )
    const sheet = await sheetOf(bytes)
    expect(sheet.rowCount).toBe(4)
    expect(sheet.getRow(1).getCell(9).value).toBe('金额(元)')
    expect(sheet.getRow(1).font?.bold).toBe(true)
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 })
    const row = sheet.getRow(3)
    expect(row.getCell(2).value).toBe(large.id)
    expect(row.getCell(9).value).toBe(12345.67)
    expect(row.getCell(9).numFmt).toContain('¥')
    expect(row.getCell(9).numFmt).toContain('0.00')
    expect(sheet.getRow(2).getCell(9).value).toBe(0.01)
    expect(sheet.getRow(4).getCell(11).value).toBe(75.66)
    expect(sheet.getRow(4).getCell(2).value).toBe(wechat.order.id)

    const refunds = await sheetOf((await download(`/api/exports/refunds.xlsx?${RANGE}`, owner)).bytes)
    expect(refunds.getRow(2).getCell(1).value).toBe(wechat.refund.id)
    expect(refunds.getRow(2).getCell(11).value).toBe(12.34)
  })

  it('speaks English when asked, and writes the day report in Excel beside its CSV', async () => {
    s = await testServer()
    await makeSales()
    const owner = await s.signIn('owner')
    const english = csvRows((await download(`/api/exports/orders.csv?${RANGE}&lang=en-US`, owner)).bytes)
    expect(english[0]!.slice(0, 3)).toEqual(['No.', 'Order ID', 'Business day'])
    expect(english[1]![5]).toBe('Paid')
    const { response, bytes } = await download(`/api/days/${DAY}/report.xlsx`, owner)
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="day-${DAY}.xlsx"`)
    const day = await sheetOf(bytes)
    expect(day.getRow(1).values).toContain(DAY)
    const totals = day.getRow(day.getColumn(1).values.indexOf('合计') + 1)
    expect(totals.getCell(2).value).toBe(3)
    expect(totals.getCell(3).value).toBe(12_433.68)
    expect(totals.getCell(3).numFmt).toContain('¥')
  })
})

describe('what an export refuses', () => {
  it('keeps a name that looks like a formula as text in the CSV, and as a string in Excel', async () => {
    s = await testServer()
    const me = (await s.api('GET', '/api/auth/me')).json
    const renamed = await s.api('POST', `/api/staff/${me.staff.id}`, { name: '=HYPERLINK("x")' })
    expect(renamed.status).toBe(200)
    await makeSales()
    const owner = await s.signIn('owner')
    const rows = csvRows((await download(`/api/exports/orders.csv?${RANGE}`, owner)).bytes)
    expect(rows[1]![11]).toBe(`'=HYPERLINK("x")`)
    const sheet = await sheetOf((await download(`/api/exports/orders.xlsx?${RANGE}`, owner)).bytes)
    expect(sheet.getRow(2).getCell(12).value).toBe('=HYPERLINK("x")')
    expect(sheet.getRow(2).getCell(12).formula).toBeUndefined()
  })

  it('needs the reports permission', async () => {
    s = await testServer()
    const cashier = await s.signIn('cashier')
    for (const path of [
      `/api/exports/orders.csv?${RANGE}`,
      `/api/exports/refunds.xlsx?${RANGE}`,
      `/api/days/${DAY}/report.xlsx`,
    ]) {
      const { response, bytes } = await download(path, cashier)
      expect(response.status).toBe(403)
      expect(JSON.parse(bytes.toString('utf8')).error.code).toBe('FORBIDDEN')
    }
  })

  it('refuses a bad range before sending anything', async () => {
    s = await testServer()
    const owner = await s.signIn('owner')
    const bad = [
      'from=2026-11-21&to=2026-11-20',
      'from=2025-11-20&to=2026-11-21',
      'from=2026-13-01&to=2026-13-02',
      'from=21.11.2026&to=2026-11-21',
      `${RANGE}&lang=fr-FR`,
      'to=2026-11-21',
    ]
    for (const query of bad) {
      const { response, bytes } = await download(`/api/exports/payments.xlsx?${query}`, owner)
      expect(response.status, query).toBe(400)
      expect(response.headers.get('content-disposition')).toBeNull()
      expect(JSON.parse(bytes.toString('utf8')).error.code).toBe('VALIDATION_FAILED')
    }
    const year = await download('/api/exports/orders.csv?from=2025-11-21&to=2026-11-21', owner)
    expect(year.response.status).toBe(200)
    expect((await download('/api/days/2026-02-30/report.xlsx', owner)).response.status).toBe(400)
  })
})

describe('a large export', () => {
  it('streams in pieces while the server goes on answering, and writes every order', async () => {
    s = await testServer()
    seedPaidOrders(s.engine.db, DAY, 5000, START)
    const owner = await s.signIn('owner')
    const url = new URL(`${s.base}/api/exports/orders.csv?${RANGE}`)
    const headers = { Authorization: `Bearer ${TEST_TOKEN}`, 'X-Hutong-Session': owner }
    const chunks: Buffer[] = []
    let answeredMeanwhile: number | null = null
    await new Promise<void>((resolve, reject) => {
      const req = httpGet(url, { headers }, (res) => {
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk)
          if (chunks.length !== 1) return
          // Hold the download after its first piece: a write and a read are answered meanwhile.
          res.pause()
          void (async () => {
            const product = { name: '豆浆', sku: 'SOY-1', priceFen: 300 }
            const created = await s.api('POST', '/api/products', product)
            const listed = await s.api('GET', '/api/products')
            answeredMeanwhile = created.status === 201 ? listed.status : created.status
            res.resume()
          })().catch(reject)
        })
        res.on('end', resolve)
        res.on('error', reject)
      })
      req.on('error', reject)
      req.end()
    })
    expect(answeredMeanwhile).toBe(200)
    expect(chunks.length).toBeGreaterThan(1)
    const rows = csvRows(Buffer.concat(chunks))
    expect(rows).toHaveLength(5001)
    expect(rows[5000]![0]).toBe('#5000')
    expect(new Set(rows.slice(1).map((r) => r[1])).size).toBe(5000)
  })
})

describe('the API document', () => {
  it('lists the export files with their formats and the range they take', async () => {
    s = await testServer()
    const doc = (await s.api('GET', '/api/openapi.json')).json
    const orders = doc.paths['/api/exports/orders.xlsx'].get
    expect(Object.keys(orders.responses['200'].content)).toEqual([
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ])
    expect(orders.parameters.map((p: { name: string }) => p.name)).toEqual(['from', 'to', 'lang'])
    expect(doc.paths['/api/exports/refunds.csv'].get.responses['200'].content).toHaveProperty('text/csv; charset=utf-8')
    expect(doc.paths['/api/days/{day}/report.xlsx'].get.parameters[0]).toMatchObject({ name: 'day', in: 'path' })
    expect(doc.paths['/api/exports/{table}/{format}'].get.operationId).toBe('exports.describe')
  })
})
