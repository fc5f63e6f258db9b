import { fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createEngine, DATABASE_FILE } from '../../src/engine'
import { openDatabase } from '../../src/engine/db/open'
import { billWindow } from '../../src/engine/reconciliation/ours'
import { result, type BenchResult } from '../lib/report.mjs'

/** What the probe process measured while it read and matched the bill. */
export interface BillProbe {
  ms: number
  lines: number
  matched: number
  discrepancies: number
  rssBeforeMb: number
  rssPeakMb: number
  heapPeakMb: number
}

/** Yesterday in Beijing: the last day whose bill is out. */
function yesterday(): string {
  return new Date(Date.now() + 8 * 3600_000 - 24 * 3600_000).toISOString().slice(0, 10)
}

/**
 * `lines` paid WeChat payments on yesterday's books, written straight into the database (one order, one attempt
 * each, with its fee); the probe then writes the wallet's bill of them and matches it in a process of its own.
 */
function seed(dir: string, lines: number, date: string): void {
  createEngine({ dataDir: dir, sweepIntervalMs: 0 }).close()
  const db = openDatabase(join(dir, DATABASE_FILE))
  const { start } = billWindow(date)
  const order = db.prepare(
    `INSERT INTO orders (id, status, total_fen, context, paid_wallet, paid_attempt_id, expires_at, created_at, updated_at, paid_at)
     VALUES (?, 'paid', ?, 'counter', 'wechat', ?, ?, ?, ?, ?)`,
  )
  const attempt = db.prepare(
    `INSERT INTO payment_attempts (id, order_id, wallet, method, provider, mode, status, amount_fen, merchant_fee_fen,
       account_id, expires_at, created_at, updated_at, pending_at, succeeded_at)
     VALUES (?, ?, 'wechat', 'qr', 'simulator', 'simulator', 'succeeded', ?, ?, 'main', ?, ?, ?, ?, ?)`,
  )
  db.transaction(() => {
    for (let i = 0; i < lines; i++) {
      const at = start + Math.floor((i * 86_000_000) / lines)
      const id = `ord_B${String(i).padStart(24, '0')}`
      const pay = `pay_B${String(i).padStart(24, '0')}`
      const amount = 100 + (i % 5000)
      order.run(id, amount, pay, at + 3600_000, at, at, at)
      attempt.run(pay, id, amount, Math.round((amount * 60) / 10_000), at + 300_000, at, at, at, at)
    }
  })()
  db.close()
}

export async function bills(lines = 100_000): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hutong-bench-bills-'))
  try {
    const date = yesterday()
    seed(dir, lines, date)
    const probe = await new Promise<BillProbe>((resolve, reject) => {
      const child = fork(fileURLToPath(new URL('./billsProbe.mts', import.meta.url)), [dir, date, String(lines)], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      })
      child.once('message', (m) => resolve(m as BillProbe))
      child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`bills probe exited ${code}`))))
    })
    const note = `${probe.lines.toLocaleString('en-US')} lines, ${probe.matched.toLocaleString('en-US')} matched, ${probe.discrepancies} discrepancies`
    return [
      result('reconciliation: WeChat bill read and matched', probe.ms, 'ms', { op: '<', value: 2000 }, { note }),
      result(
        'reconciliation: memory while matching (RSS growth)',
        probe.rssPeakMb - probe.rssBeforeMb,
        'MB',
        {
          op: '<',
          value: 150,
        },
        {
          note: `${note}; RSS ${probe.rssBeforeMb.toFixed(0)} → peak ${probe.rssPeakMb.toFixed(0)} MB, heap peak ${probe.heapPeakMb.toFixed(0)} MB`,
        },
      ),
    ]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
