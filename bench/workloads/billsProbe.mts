// Writes a wallet's bill of the seeded day and matches it through the engine, in a process of its own, so the
// memory measured is the matching's (see bills.mts).
import { createReadStream, createWriteStream } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createEngine } from '../../src/engine'
import { writeWechatBill, type BillRecord } from '../../src/engine/reconciliation/bills'
import { billWindow } from '../../src/engine/reconciliation/ours'
import { nowMs } from '../lib/measure.mjs'

const [dir, date, linesText] = process.argv.slice(2) as [string, string, string]
const lines = Number(linesText)

/** The wallet's view of the seeded payments (see bills.mts), with a few deliberate differences. */
function* records(): Generator<BillRecord> {
  const { start } = billWindow(date)
  for (let i = 0; i < lines; i++) {
    const amount = 100 + (i % 5000)
    yield {
      kind: 'payment',
      outTradeNo: `pay_B${String(i).padStart(24, '0')}`,
      providerTradeNo: `4200${String(i).padStart(24, '0')}`,
      merchantId: 'SIM-WX-0001',
      amountFen: i % 20_000 === 7 ? amount + 1 : amount,
      feeFen: Math.round((amount * 60) / 10_000),
      at: start + Math.floor((i * 86_000_000) / lines),
      description: '互通便利店-豆浆 等2件',
      feeRateBp: 60,
    }
  }
}

const file = join(dir, 'bill.csv')
await pipeline(Readable.from(writeWechatBill(records())), createWriteStream(file))

const engine = createEngine({ dataDir: dir, sweepIntervalMs: 0, reconciliationIntervalMs: 0 })
global.gc?.()
const rssBeforeMb = process.memoryUsage().rss / 2 ** 20
let rssPeakMb = rssBeforeMb
let heapPeakMb = 0
const sampler = setInterval(() => {
  const { rss, heapUsed } = process.memoryUsage()
  rssPeakMb = Math.max(rssPeakMb, rss / 2 ** 20)
  heapPeakMb = Math.max(heapPeakMb, heapUsed / 2 ** 20)
}, 5)
const started = nowMs()
const uploadId = await engine.bills.receive(createReadStream(file))
const run = await engine.invoke('reconciliation.importBill', { wallet: 'wechat', date, uploadId })
const ms = nowMs() - started
clearInterval(sampler)
await engine.close()
process.send!({
  ms,
  lines,
  matched: run.matchedCount,
  discrepancies: run.discrepancies.length,
  rssBeforeMb,
  rssPeakMb,
  heapPeakMb,
})
process.disconnect()
