// npm run bench: every figure with its goal, printed as a table and written to bench/results.json.
import { writeFileSync } from 'node:fs'
import {
  checkoutPhases,
  checkoutThroughput,
  rawCommitLimit,
  routingDecision,
  timeToQrInProcess,
  refundLatency,
} from './workloads/engineWorkloads.mjs'
import { cpuReferenceMs } from './workloads/cpuReference.mjs'
import { renderer } from './workloads/renderer.mjs'
import { counter } from './workloads/counter.mjs'
import { scale } from './workloads/scale.mjs'
import { bills } from './workloads/bills.mjs'
import { reports } from './workloads/reports.mjs'
import { exportsBench } from './workloads/exports.mjs'
import {
  httpApiThroughput,
  paymentDetection,
  slowSocketsNeighbour,
  timeToQrOverHttp,
} from './workloads/serverWorkloads.mjs'
import { machine, printTable, result, versions, type BenchResult } from './lib/report.mjs'

const only = process.argv.slice(2)
const wants = (name: string) => only.length === 0 || only.includes(name)
const scaleOrders = Number(process.env.BENCH_SCALE_ORDERS ?? 1_000_000)

const results: BenchResult[] = []
const step = async (name: string, run: () => Promise<BenchResult[]> | BenchResult[]) => {
  if (!wants(name)) return
  process.stdout.write(`· ${name}… `)
  const started = Date.now()
  results.push(...(await run()))
  console.log(`${((Date.now() - started) / 1000).toFixed(1)} s`)
}

let raw = { perSecond: 0, sqlite: 'unknown' }
await step('raw', () => {
  raw = rawCommitLimit(3)
  return [
    result('raw limit: single-row INSERT commits (WAL, synchronous=FULL)', raw.perSecond, 'commits/s', null, {
      ratioToLimit: 1,
    }),
  ]
})
await step('cpu', () => [
  result('CPU reference unit (fixed SQLite + JSON + hashing work, no disk)', cpuReferenceMs(), 'ms', null),
])
await step('checkout', async () => [...(await checkoutThroughput(4, 1)), ...(await checkoutThroughput(6, 16))])
await step('phases', () => checkoutPhases(1500))
await step('routing', routingDecision)
await step('refunds', () => refundLatency())
await step('qr', async () => [...(await timeToQrInProcess()), ...(await timeToQrOverHttp())])
await step('http', () => httpApiThroughput(5))
await step('detection', paymentDetection)
await step('slow-sockets', slowSocketsNeighbour)
await step('scale', () => scale(scaleOrders))
await step('bills', () => bills(Number(process.env.BENCH_BILL_LINES ?? 100_000)))
await step('reports', () => reports(scaleOrders))
await step('renderer', renderer)
await step('counter', counter)
await step('exports', () => exportsBench(Number(process.env.BENCH_EXPORT_ORDERS ?? 100_000)))

printTable(results)
const report = { machine: machine(), versions: versions(raw.sqlite), results }
writeFileSync(new URL('./results.json', import.meta.url), JSON.stringify(report, null, 2) + '\n')
console.log('\nreport: bench/results.json')
