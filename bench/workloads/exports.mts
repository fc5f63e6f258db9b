import { fork, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createEngine, DATABASE_FILE } from '../../src/engine'
import { openDatabase } from '../../src/engine/db/open'
import { nominalBounds } from '../../src/engine/days/window'
import { DEMO_STAFF } from '../../src/engine/seed/demoStaff'
import { seedPaidOrders } from '../../tests/support/manyOrders'
import { nowMs, percentiles } from '../lib/measure.mjs'
import { result, type BenchResult } from '../lib/report.mjs'

const TOKEN = 'bench-token-0123456789'
const FIRST_DAY = '2026-01-01'
const DAYS = 100
const MB = 1024 * 1024

/** `orders` paid orders spread over 100 business days, written straight into a fresh store. */
function seed(dir: string, orders: number): string {
  void createEngine({ dataDir: dir, sweepIntervalMs: 0 }).close()
  const db = openDatabase(join(dir, DATABASE_FILE))
  let last = FIRST_DAY
  for (let d = 0; d < DAYS; d++) {
    last = new Date(Date.parse(`${FIRST_DAY}T00:00:00Z`) + d * 86_400_000).toISOString().slice(0, 10)
    seedPaidOrders(db, last, Math.ceil(orders / DAYS), nominalBounds(last, 4).start + 3_600_000)
  }
  db.close()
  return last
}

function startServerProcess(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(fileURLToPath(new URL('./exportServer.mts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, HUTONG_DATA_DIR: dir, HUTONG_API_TOKEN: TOKEN },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ child, url: (m as { url: string }).url }))
    child.once('exit', (code) => reject(new Error(`the export server exited early (${code})`)))
  })
}

function rssOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (m: unknown) => {
      if (typeof m === 'object' && m !== null && 'rss' in m) {
        child.off('message', onMessage)
        resolve((m as { rss: number }).rss)
      }
    }
    child.on('message', onMessage)
    child.send('rss')
  })
}

async function ownerSession(url: string): Promise<string> {
  const headers = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' }
  const { staff } = (await (await fetch(`${url}/api/auth/staff`, { headers })).json()) as {
    staff: { id: string; role: string }[]
  }
  const owner = staff.find((m) => m.role === 'owner')!
  const pin = DEMO_STAFF.find((m) => m.role === 'owner')!.pin
  const signed = await fetch(`${url}/api/auth/sign-in`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ staffId: owner.id, pin }),
  })
  return ((await signed.json()) as { token: string }).token
}

interface ExportRun {
  wallMs: number
  bytes: number
  rss: { before: number; peak: number; after: number }
  healthP99: number
}

/** Downloads one export while sampling the server's memory and asking it for its health every 50 ms. */
async function measureExport(child: ChildProcess, url: string, path: string, session: string): Promise<ExportRun> {
  const before = await rssOf(child)
  let peak = before
  let sampling = true
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, await rssOf(child))
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  })()
  const health: number[] = []
  const pinger = (async () => {
    while (sampling) {
      const start = nowMs()
      await (await fetch(`${url}/api/health`)).text()
      health.push(nowMs() - start)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  })()
  const start = nowMs()
  const response = await fetch(`${url}${path}`, {
    headers: { Authorization: `Bearer ${TOKEN}`, 'X-Hutong-Session': session },
  })
  if (!response.ok || !response.body) throw new Error(`export failed: HTTP ${response.status}`)
  let bytes = 0
  for await (const chunk of response.body) bytes += (chunk as Uint8Array).byteLength
  const wallMs = nowMs() - start
  sampling = false
  await Promise.all([sampler, pinger])
  const after = await rssOf(child)
  return { wallMs, bytes, rss: { before, peak, after }, healthP99: percentiles(health.length ? health : [0]).p99 }
}

const mb = (n: number) => (n / MB).toFixed(1)

function noteOf(rows: number, run: ExportRun): string {
  return (
    `${rows.toLocaleString('en-US')} orders, ${mb(run.bytes)} MB file; server RSS before ${mb(run.rss.before)} MB, ` +
    `peak ${mb(run.rss.peak)} MB, after ${mb(run.rss.after)} MB; /api/health p99 meanwhile ${run.healthP99.toFixed(1)} ms`
  )
}

/**
 * Flat memory: the server's RSS may grow by what exceljs's garbage and the compressor's backlog take, never by the
 * file; the 100,000-order file is written after a tenth of it, to show how far its peak passes the smaller one's.
 */
function xlsxResults(orders: number, small: ExportRun, large: ExportRun): BenchResult[] {
  const note = `${noteOf(orders, large)}; before it, ${noteOf(orders / 10, small)}`
  return [
    result(
      `exports: XLSX of ${orders.toLocaleString('en-US')} orders over HTTP`,
      large.wallMs,
      'ms',
      { op: '<', value: 5000 },
      { note },
    ),
    result(
      'exports: server RSS growth during the XLSX export (from before it)',
      (large.rss.peak - large.rss.before) / MB,
      'MB',
      { op: '<', value: 64 },
      { note },
    ),
    result(
      "exports: XLSX peak RSS of 10x the rows, beyond the smaller export's peak",
      (large.rss.peak - small.rss.peak) / MB,
      'MB',
      null,
      { note },
    ),
  ]
}

function csvResults(orders: number, run: ExportRun): BenchResult[] {
  const note = noteOf(orders, run)
  return [
    result(
      `exports: CSV of ${orders.toLocaleString('en-US')} orders over HTTP`,
      run.wallMs,
      'ms',
      { op: '<', value: 5000 },
      { note },
    ),
    result(
      'exports: server RSS growth during the CSV export',
      (run.rss.peak - run.rss.before) / MB,
      'MB',
      { op: '<', value: 64 },
      { note },
    ),
  ]
}

/** `npm run bench exports`: the orders of 100 business days as Excel and as CSV through the HTTP routes. */
export async function exportsBench(orders: number): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hutong-bench-exports-'))
  let child: ChildProcess | null = null
  try {
    const last = seed(dir, orders)
    const server = await startServerProcess(dir)
    child = server.child
    const session = await ownerSession(server.url)
    const path = (format: string, to = last) => `/api/exports/orders.${format}?from=${FIRST_DAY}&to=${to}`
    const csv = await measureExport(child, server.url, path('csv'), session)
    const tenth = new Date(Date.parse(`${FIRST_DAY}T00:00:00Z`) + (DAYS / 10 - 1) * 86_400_000)
      .toISOString()
      .slice(0, 10)
    const small = await measureExport(child, server.url, path('xlsx', tenth), session)
    const xlsx = await measureExport(child, server.url, path('xlsx'), session)
    return [...xlsxResults(orders, small, xlsx), ...csvResults(orders, csv)]
  } finally {
    child?.send('stop')
    if (child) await new Promise((resolve) => child!.once('exit', resolve))
    rmSync(dir, { recursive: true, force: true })
  }
}
