import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { checkBooks, integrityProblems, MERCHANT_FILE, unsettled, WALLET_FILE, type BookFigures } from './checks.mjs'
import { serverCommand, ServerProcess } from './child.mjs'
import { Rng } from './rng.mjs'
import { DEMO_STAFF } from '../../src/engine/seed/demoStaff'
import { Client, Ledger, type Claim } from './workload.mjs'

/**
 * The crash-safety kill harness. The checkout runs in a child process on a data folder that outlives it; clients
 * drive a seeded mixed workload over HTTP (orders, wallet QR codes paid on the simulator's page with and without
 * a notification, two codes paid for one order, payment codes, cash, cancels, closes, friend pay, the all-wallets
 * code, idempotent retries) while the child is killed with SIGKILL at seeded moments and started again on the same
 * folder. After the last start the background sweeps settle what was under way; the child is stopped cleanly and
 * both SQLite files are read directly to check that every kill left the books whole and every acknowledged answer
 * true.
 */
export interface CrashOptions {
  kills: number
  seed: number
  /** Concurrent tills (default 6). */
  clients?: number
  /** Workload between a start and the next kill, in ms, when the kill is timed (default 300–2500). */
  killWindowMs?: [number, number]
  /** How long the workload goes on after the last start (default 1500 ms). */
  tailMs?: number
  /** How long the sweeps may take to finish what was under way (default 180 s). */
  settleTimeoutMs?: number
  /** How long a QR code stays payable in the child (default 15 s), so that unpaid codes end within the run. */
  paymentTtlMs?: number
  /** Keep the data folder even when nothing was violated. */
  keep?: boolean
  /** Progress lines (default: none). */
  log?: (line: string) => void
}

export interface CrashReport {
  seed: number
  kills: number
  starts: number
  clients: number
  requests: {
    sent: number
    answered: number
    cutOff: number
    acknowledged: number
    retried: number
    retriedReplayed: number
    replays: number
    /** Requests under way at the kills, in all, and how many kills caught at least one. */
    inFlightAtKills: number
    killsMidRequest: number
  }
  flows: Record<string, number>
  abandonedFlows: number
  refusals: Record<string, number>
  serverErrors: string[]
  books: BookFigures | null
  startMs: { median: number; max: number }
  settleMs: number
  durationMs: number
  workDir: string
  /** The data folder (kept with `keep`, or when something was violated). */
  dataDir: string
  kept: boolean
  /** The acknowledged facts that were checked against the books. */
  claims: Claim[]
  violations: string[]
}

export async function runCrashHarness(options: CrashOptions): Promise<CrashReport> {
  const began = Date.now()
  const log = options.log ?? (() => undefined)
  const clients = options.clients ?? 6
  const [windowMin, windowMax] = options.killWindowMs ?? [300, 2500]
  const workDir = mkdtempSync(join(tmpdir(), 'hutong-crash-'))
  const dataDir = join(workDir, 'data')
  mkdirSync(dataDir, { mode: 0o700 })
  const token = randomBytes(18).toString('base64url')
  const command = await serverCommand()
  log(`server entry: ${command.how}`)
  const server = new ServerProcess(command.args, dataDir, token, join(workDir, 'server.log'), {
    HUTONG_CRASH_PAYMENT_TTL_MS: String(options.paymentTtlMs ?? 15_000),
  })
  const ledger = new Ledger()
  const violations = ledger.violations
  const killRng = new Rng(options.seed, 1000)
  let books: BookFigures | null = null
  let settleMs = 0
  let kills = 0
  let stopClients = false
  let loops: Promise<void>[] = []

  try {
    await server.start()
    log(`started pid ${server.pid} on ${dataDir}`)
    await configure(server)
    const tag = `s${options.seed.toString(36)}`
    loops = Array.from({ length: clients }, (_, i) =>
      new Client(i, new Rng(options.seed, i), server, ledger, tag).run(() => stopClients),
    )
    // A till that fails for an unexpected reason stops the run at once, with its error.
    const failed = Promise.race(loops.map((loop) => loop.then(() => new Promise<never>(() => undefined))))
    failed.catch(() => undefined)

    for (kills = 0; kills < options.kills;) {
      const trigger = await Promise.race([killMoment(server, killRng, windowMin, windowMax), failed])
      await server.kill()
      kills++
      log(`kill ${kills}/${options.kills} ${trigger} (${server.sent} requests so far)`)
      // The files as the kill left them, before the next start recovers them.
      violations.push(
        ...integrityProblems(join(dataDir, MERCHANT_FILE), `merchant books after kill ${kills}`),
        ...integrityProblems(join(dataDir, WALLET_FILE), `wallet books after kill ${kills}`),
      )
      await sleep(killRng.int(0, 200))
      await server.start()
    }
    await Promise.race([sleep(options.tailMs ?? 1500), failed])
    stopClients = true
    await Promise.all(loops)
    log(`workload over after ${((Date.now() - began) / 1000).toFixed(1)} s; letting the sweeps settle`)

    const settleBegan = Date.now()
    const settleTimeout = options.settleTimeoutMs ?? 180_000
    let lastReport = settleBegan
    for (;;) {
      const left = unsettled(dataDir)
      if (left.attempts === 0 && left.refunds === 0) break
      if (Date.now() - settleBegan > settleTimeout) {
        violations.push(
          `after ${settleTimeout / 1000} s, ${left.attempts} payment(s) are still unfinished and ${left.refunds} refund(s) pending`,
        )
        break
      }
      if (Date.now() - lastReport >= 10_000) {
        lastReport = Date.now()
        log(`  still under way: ${left.attempts} payment(s), ${left.refunds} refund(s)`)
      }
      await sleep(500)
    }
    settleMs = Date.now() - settleBegan
    const code = await server.stop()
    if (code !== 0) violations.push(`the server did not stop cleanly on SIGTERM (exit ${code})`)
    const checked = checkBooks(dataDir, ledger.claims.values(), Date.now())
    violations.push(...checked.violations)
    books = checked.figures
  } catch (error) {
    // The server did not start again, a till met an answer it cannot read, or the books could not be read.
    violations.push(`the run broke off: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
  } finally {
    stopClients = true
    await server.dispose()
    await Promise.allSettled(loops)
    command.remove()
  }

  const kept = Boolean(options.keep) || violations.length > 0
  if (!kept) rmSync(workDir, { recursive: true, force: true })
  const sortedStarts = [...server.startMs].sort((a, b) => a - b)
  return {
    seed: options.seed,
    kills,
    starts: server.starts,
    clients,
    requests: {
      sent: server.sent,
      answered: server.answered,
      cutOff: server.unreachable,
      acknowledged: ledger.acknowledged,
      retried: ledger.retried,
      retriedReplayed: ledger.retriedReplayed,
      replays: ledger.replays,
      inFlightAtKills: server.inFlightAtKills.reduce((sum, n) => sum + n, 0),
      killsMidRequest: server.inFlightAtKills.filter((n) => n > 0).length,
    },
    flows: ledger.flows,
    abandonedFlows: ledger.abandoned,
    refusals: ledger.refusals,
    serverErrors: ledger.serverErrors,
    books,
    startMs: {
      median: sortedStarts[Math.floor(sortedStarts.length / 2)] ?? 0,
      max: sortedStarts[sortedStarts.length - 1] ?? 0,
    },
    settleMs,
    durationMs: Date.now() - began,
    workDir,
    dataDir,
    kept,
    claims: [...ledger.claims.values()],
    violations,
  }
}

/** Customers who never confirm a payment code are given up on after 10 s (the shortest the settings allow). */
async function configure(server: ServerProcess): Promise<void> {
  const headers = { 'X-Hutong-Session': await signInOwner(server) }
  const current = await server.request('GET', '/api/routing', { token: true, headers })
  if (current.status !== 200) throw new Error(`GET /api/routing answered ${current.status}: ${current.text}`)
  const updated = await server.request('POST', '/api/routing', {
    token: true,
    headers,
    body: { ...(current.json as object), paymentCodeTimeoutSeconds: 10 },
  })
  if (updated.status !== 200) throw new Error(`POST /api/routing answered ${updated.status}: ${updated.text}`)
}

/** Settings are the owner's: the demo owner signs in with the published demo PIN. */
async function signInOwner(server: ServerProcess): Promise<string> {
  const options = await server.request('GET', '/api/auth/staff', { token: true })
  const owner = (options.json as { staff: { id: string; role: string }[] }).staff.find((m) => m.role === 'owner')
  const pin = DEMO_STAFF.find((m) => m.role === 'owner')?.pin
  const signed = await server.request('POST', '/api/auth/sign-in', { token: true, body: { staffId: owner?.id, pin } })
  if (signed.status !== 201) throw new Error(`sign-in answered ${signed.status}: ${signed.text}`)
  return (signed.json as { token: string }).token
}

/**
 * Waits for the next kill moment, one of three kinds: a seeded time after the start; a few ms after a seeded number
 * of requests has left (the last of them is then inside the server); or a few ms after a seeded number of answers
 * has arrived (what was just acknowledged must already be on disk). Returns what it waited for.
 */
async function killMoment(server: ServerProcess, rng: Rng, minMs: number, maxMs: number): Promise<string> {
  const kind = rng.weighted({ timed: 3, afterRequest: 3.5, afterAnswer: 3.5 })
  if (kind === 'timed') {
    const ms = rng.int(minMs, maxMs)
    await sleep(ms)
    return `${ms} ms after the start`
  }
  const count = rng.int(1, 60)
  const extraMs = rng.int(0, kind === 'afterRequest' ? 8 : 3)
  const counter = (): number => (kind === 'afterRequest' ? server.sent : server.answered)
  const from = counter()
  await new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(deadline)
      server.onSend = () => undefined
      server.onAnswer = () => undefined
      resolve()
    }
    const deadline = setTimeout(done, maxMs * 2)
    const hook = (): void => {
      if (counter() - from >= count) done()
    }
    if (kind === 'afterRequest') server.onSend = hook
    else server.onAnswer = hook
  })
  if (extraMs) await sleep(extraMs)
  return `${extraMs} ms after ${kind === 'afterRequest' ? 'request' : 'answer'} ${counter() - from} since the start`
}

function formatCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b))
  return entries.length ? entries.map(([k, v]) => `${k} ${v}`).join(', ') : '—'
}

/** The report as printed: the figures, the seed to replay it, and a last line `violations: N`. */
export function formatReport(report: CrashReport): string {
  const b = report.books
  const lines = [
    `seed:            ${report.seed}   (replay: HUTONG_CRASH_SEED=${report.seed} HUTONG_CRASH_KILLS=${report.kills} npm run test:crash)`,
    `kills:           ${report.kills} SIGKILLs, ${report.starts} starts (start to READY: median ${report.startMs.median} ms, max ${report.startMs.max} ms)`,
    `clients:         ${report.clients}`,
    `requests:        ${report.requests.sent} sent, ${report.requests.answered} answered, ${report.requests.cutOff} cut off ` +
      `(${report.requests.inFlightAtKills} under way at the kills; ${report.requests.killsMidRequest} of ${report.kills} kills hit a request)`,
    `idempotency:     ${report.requests.retried} keyed requests sent again after a kill (${report.requests.retriedReplayed} answered from the stored answer); ` +
      `${report.requests.replays} acknowledged requests sent again on purpose (another answer is a violation)`,
    `acknowledged:    ${report.requests.acknowledged} answers (2xx/3xx); ${b?.claimsChecked ?? 0} distinct acknowledged facts checked`,
    `flows:           ${formatCounts(report.flows)} (${report.abandonedFlows} cut off)`,
    `refused:         ${formatCounts(report.refusals)}`,
  ]
  if (b) {
    lines.push(
      `orders:          ${formatCounts(b.orders)}`,
      `payments:        ${formatCounts(b.attempts)}`,
      `paid trades:     ${b.paidTrades} held as paid by the wallet, ${b.refundedTrades} of them given back`,
      `refunds:         ${b.refunds} succeeded, ${b.refundedFen} fen (${formatCounts(b.refundReasons)})`,
      `payment endings: ${formatCounts(b.endings)}`,
      `friend pay:      ${formatCounts(b.friendPay)}`,
    )
  }
  lines.push(
    `duration:        ${(report.durationMs / 1000).toFixed(1)} s (settling after the last start: ${(report.settleMs / 1000).toFixed(1)} s)`,
  )
  if (report.serverErrors.length) lines.push(`server errors:   ${report.serverErrors.join('\n                 ')}`)
  if (report.kept) lines.push(`data folder:     ${report.workDir} (server.log beside data/)`)
  for (const v of report.violations.slice(0, 100)) lines.push(`VIOLATION: ${v}`)
  if (report.violations.length > 100) lines.push(`… and ${report.violations.length - 100} more`)
  lines.push(`violations: ${report.violations.length}`)
  return lines.join('\n')
}
