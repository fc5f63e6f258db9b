import ExcelJS from 'exceljs'
import type { Download, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import type { Order } from '../../src/shared/api/types'
import { headlessConsole } from '../support/browser'

const till = headlessConsole()

/** Clicks an export button; returns the file the browser saved. */
async function downloadOf(page: Page, button: string): Promise<{ name: string; bytes: Buffer }> {
  const [download] = (await Promise.all([page.waitForEvent('download'), page.getByTestId(button).click()])) as [
    Download,
    unknown,
  ]
  const chunks: Buffer[] = []
  for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer)
  return { name: download.suggestedFilename(), bytes: Buffer.concat(chunks) }
}

async function cashSale(amountFen: number): Promise<Order> {
  const order = (await till.app.api('POST', '/api/orders', { amountFen })).json as Order
  const paid = await till.app.api('POST', `/api/orders/${order.id}/payments`, {
    wallet: 'cash',
    tenderedFen: amountFen,
  })
  expect(paid.status).toBe(201)
  return order
}

describe('exports from the console', () => {
  it('saves the orders shown as CSV and as Excel, and the day report as Excel', async () => {
    const small = await cashSale(1)
    const large = await cashSale(1_234_567)
    const page = await till.open('/orders')
    await page.getByTestId('orders-export-csv').waitFor()

    const csv = await downloadOf(page, 'orders-export-csv')
    expect(csv.name).toMatch(/^orders-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/)
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = csv.bytes.subarray(3).toString('utf8')
    expect(text.split('\r\n')[0]).toMatch(/^单号,订单ID,营业日/)
    expect(text).toContain(`,${small.id},`)
    expect(text).toMatch(new RegExp(`${large.id},[^\\r]*,12345\\.67,0\\.00,12345\\.67,`))

    const xlsx = await downloadOf(page, 'orders-export-xlsx')
    expect(xlsx.name).toMatch(/\.xlsx$/)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(xlsx.bytes as never)
    const sheet = workbook.worksheets[0]!
    const row = sheet.getRows(2, sheet.rowCount - 1)!.find((r) => r.getCell(2).value === large.id)!
    expect(row.getCell(9).value).toBe(12345.67)
    expect(row.getCell(9).numFmt).toContain('¥')

    const dayPage = await till.open('/day')
    await dayPage.getByTestId('day-export').waitFor()
    const day = await downloadOf(dayPage, 'day-export-xlsx')
    expect(day.name).toMatch(/^day-\d{4}-\d{2}-\d{2}\.xlsx$/)
    const report = new ExcelJS.Workbook()
    await report.xlsx.load(day.bytes as never)
    expect(report.worksheets[0]!.getRow(1).getCell(1).value).toBe('营业日')
  })

  it('offers no export to a cashier without the reports permission', async () => {
    const page = await till.open('/orders', undefined, { as: 'cashier' })
    await page.getByTestId('orders-day').waitFor()
    expect(await page.getByTestId('orders-export-csv').count()).toBe(0)
  })
})
