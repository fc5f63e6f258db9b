import { readFileSync } from 'node:fs'
import { cpus, freemem, totalmem, platform, release, arch } from 'node:os'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

export interface BenchResult {
  name: string
  value: number
  unit: string
  /** e.g. { op: '<', value: 1 } means the goal is value < 1. */
  goal: { op: '<' | '<=' | '>='; value: number } | null
  met: boolean | null
  ratioToLimit: number | null
  note?: string
}

export function result(
  name: string,
  value: number,
  unit: string,
  goal: BenchResult['goal'],
  extra: { ratioToLimit?: number | null; note?: string } = {},
): BenchResult {
  const met =
    goal === null
      ? null
      : goal.op === '<'
        ? value < goal.value
        : goal.op === '<='
          ? value <= goal.value
          : value >= goal.value
  return {
    name,
    value: round(value),
    unit,
    goal,
    met,
    ratioToLimit: extra.ratioToLimit == null ? null : round(extra.ratioToLimit),
    ...(extra.note ? { note: extra.note } : {}),
  }
}

function round(value: number): number {
  return Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 1000) / 1000
}

function versionOf(pkg: string): string | null {
  try {
    return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version
  } catch {
    return null
  }
}

export function machine() {
  const cpuList = cpus()
  return {
    cpuModel: cpuList[0]?.model ?? 'unknown',
    cores: cpuList.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()} ${arch()}`,
    date: new Date().toISOString(),
  }
}

export function versions(sqlite: string) {
  return {
    node: process.versions.node,
    sqlite,
    'better-sqlite3': versionOf('better-sqlite3'),
    fastify: versionOf('fastify'),
    vue: versionOf('vue'),
    electron: versionOf('electron'),
    app: (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
      .version,
  }
}

export function printTable(results: BenchResult[]): void {
  const rows = results.map((r) => [
    r.name,
    `${r.value} ${r.unit}`,
    r.goal ? `${r.goal.op} ${round(r.goal.value)} ${r.unit}` : '—',
    r.met === null ? '' : r.met ? 'met' : 'MISSED',
    r.ratioToLimit === null ? '' : `${r.ratioToLimit}`,
  ])
  const header = ['figure', 'value', 'goal', '', 'ratio to limit']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => [...row[i]!].length)))
  const line = (cells: string[]) => cells.map((c, i) => c + ' '.repeat(widths[i]! - [...c].length)).join('  ')
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`)
  for (const row of rows) console.log(line(row))
}
