import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEngine, DATABASE_FILE } from '../../src/engine'
import { openDatabase } from '../../src/engine/db/open'
import { refoldBalances } from '../../src/engine/ledger/folds'
import { refoldReportSums } from '../../src/engine/reports/sumFolds'
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { nowMs } from '../lib/measure.mjs'
import { result, type BenchResult } from '../lib/report.mjs'

/**
 * A store with a long history: `orders` paid orders spread over the past two years (one line and one paid
 * attempt each), written straight into the database; then the engine opens it as the app would.
 */
/** A process taking checkouts on the store is SIGKILLed half a second after it got busy. */
async function killUnderLoad(dir: string): Promise<void> {
  const child = fork(fileURLToPath(new URL('./killUnderLoad.mts', import.meta.url)), [dir], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve())
    child.once('exit', (code) => reject(new Error(`the loaded process exited early (${code})`)))
  })
  await new Promise((resolve) => setTimeout(resolve, 500))
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGKILL')
  await exited
}

export async function scale(orders: number): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hutong-bench-scale-'))
  try {
    const seedStart = nowMs()
    createEngine({ dataDir: dir, sweepIntervalMs: 0 }).close()
    const db = openDatabase(join(dir, DATABASE_FILE))
    const now = Date.now()
    const span = 2 * 365 * 24 * 3600_000
    const insertOrder = db.prepare(
      `INSERT INTO orders (id, status, total_fen, context, paid_wallet, paid_attempt_id, expires_at, created_at, updated_at, paid_at)
       VALUES (?, 'paid', ?, 'counter', ?, ?, ?, ?, ?, ?)`,
    )
    const insertLine = db.prepare(
      'INSERT INTO order_lines (id, order_id, position, sku, name, unit_price_fen, quantity, amount_fen) VALUES (?, ?, 0, ?, ?, ?, 1, ?)',
    )
    const insertAttempt = db.prepare(
      `INSERT INTO payment_attempts (id, order_id, wallet, method, provider, mode, status, amount_fen, expires_at, created_at, updated_at, pending_at, succeeded_at)
       VALUES (?, ?, ?, 'qr', 'simulator', 'simulator', 'succeeded', ?, ?, ?, ?, ?, ?)`,
    )
    // Each paid order's journal, as the engine posts it: the payment received, then the sale.
    const insertTxn = db
      .prepare(
        'INSERT INTO journal_transactions (kind, at, amount_fen, order_id, attempt_id) VALUES (?, ?, ?, ?, ?) RETURNING id',
      )
      .pluck()
    const insertEntry = db.prepare('INSERT INTO journal_entries (txn_id, account, amount_fen) VALUES (?, ?, ?)')
    const journal = (id: string, pay: string, wallet: string, amount: number, paidAt: number) => {
      const received = insertTxn.get('payment', paidAt, amount, id, pay) as number
      insertEntry.run(received, `clearing:${wallet}:-`, amount)
      insertEntry.run(received, 'unapplied', -amount)
      const sale = insertTxn.get('sale', paidAt, amount, id, pay) as number
      insertEntry.run(sale, 'unapplied', amount)
      insertEntry.run(sale, 'sales', -amount)
    }
    const ids: string[] = []
    const batch = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const at = now - span + Math.floor((span * i) / orders)
        const id = `ord_${at.toString(36).padStart(10, '0').toUpperCase()}${i.toString(36).padStart(16, '0').toUpperCase()}`
        const pay = `pay_${id.slice(4)}`
        const amount = 100 + (i % 5000)
        const wallet = i % 2 ? 'wechat' : 'alipay'
        insertOrder.run(id, amount, wallet, pay, at + 3600_000, at, at, at + 5000)
        insertLine.run(`lin_${id.slice(4)}`, id, 'BRK-001', '茶叶蛋', amount, amount)
        insertAttempt.run(pay, id, wallet, amount, at + 300_000, at, at + 5000, at, at + 5000)
        journal(id, pay, wallet, amount, at + 5000)
        if (i % 997 === 0) ids.push(id)
      }
    })
    for (let i = 0; i < orders; i += 50_000) batch(i, Math.min(orders, i + 50_000))
    refoldBalances(db)
    refoldReportSums(db)
    db.close()
    const seedSeconds = (nowMs() - seedStart) / 1000

    await killUnderLoad(dir)
    // The engine is measured in a process of its own, so its memory is the engine's, not the seeding's.
    const probe = await new Promise<{
      openMs: number
      lookupP50: number
      todayP50: number
      dayReportP50: number
      verifyMs: number
      verifyOk: boolean
      rssMb: number
    }>((resolve, reject) => {
      const child = fork(fileURLToPath(new URL('./scaleProbe.mts', import.meta.url)), [dir, JSON.stringify(ids)], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      })
      child.once('message', (m) => resolve(m as never))
      child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`scale probe exited ${code}`))))
    })
    const { openMs, rssMb } = probe
    const lookup = { p50: probe.lookupP50 }
    const today = { p50: probe.todayP50 }
    const note = `${orders.toLocaleString('en-US')} orders (seeded in ${seedSeconds.toFixed(1)} s)`
    return [
      result(
        'scale: restart to ready after a SIGKILL under load',
        openMs,
        'ms',
        { op: '<', value: 1000 },
        {
          note: `${note}; open, migration check, WAL recovery, recovery sweep and a first answer`,
        },
      ),
      result("scale: today's takings by wallet p50", today.p50, 'ms', { op: '<', value: 100 }, { note }),
      result('scale: order lookup by number p50', lookup.p50, 'ms', { op: '<', value: 5 }, { note }),
      result(
        'scale: day close report of a business day p50',
        probe.dayReportP50,
        'ms',
        { op: '<', value: 100 },
        { note },
      ),
      result(
        'scale: books/verify over the whole journal',
        probe.verifyMs,
        'ms',
        { op: '<', value: 5000 },
        {
          note: `${note}; ${probe.verifyOk ? 'the books balance' : 'PROBLEMS FOUND'}`,
        },
      ),
      result('scale: engine process RSS', rssMb, 'MB', { op: '<', value: 300 }, { note }),
    ]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
