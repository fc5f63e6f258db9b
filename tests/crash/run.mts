/**
 * `npm run test:crash`: the crash-safety kill harness from the command line.
 *
 *   npm run test:crash                       50 kills, a random seed (printed)
 *   npm run test:crash -- --kills 200 --seed 12345
 *   HUTONG_CRASH_KILLS=200 HUTONG_CRASH_SEED=12345 npm run test:crash
 *
 * Also: --clients N (HUTONG_CRASH_CLIENTS, default 6), --keep (HUTONG_CRASH_KEEP=1) keeps the data folder.
 * Exits 1 when any violation was found; the last line is `violations: N`.
 */
import { formatReport, runCrashHarness } from './harness.mjs'
import { randomSeed } from './rng.mjs'

function argument(name: string): string | undefined {
  const args = process.argv.slice(2)
  const at = args.indexOf(`--${name}`)
  if (at >= 0) return args[at + 1]
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)
}

function integer(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text.trim() === '') return fallback
  const value = Number(text)
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got "${text}"`)
  return value
}

const kills = integer('kills', argument('kills') ?? process.env.HUTONG_CRASH_KILLS, 50)
const seed = integer('seed', argument('seed') ?? process.env.HUTONG_CRASH_SEED, randomSeed())
const clients = integer('clients', argument('clients') ?? process.env.HUTONG_CRASH_CLIENTS, 6)
const keep = process.argv.includes('--keep') || process.env.HUTONG_CRASH_KEEP === '1'

console.log(`crash harness: ${kills} kills, seed ${seed}, ${clients} clients`)
const started = Date.now()
const report = await runCrashHarness({
  kills,
  seed,
  clients,
  keep,
  log: (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`),
})
console.log(formatReport(report))
process.exitCode = report.violations.length ? 1 : 0
