// Prints each benchmark's latency percentiles beside its goal, from the JSON report vitest wrote.
import { readFileSync } from 'node:fs'

const GOALS_MS = {
  'routeOrder: 20 lines, 7 wallets (pure)': 1,
}

const report = JSON.parse(readFileSync(new URL('./reports/latest.json', import.meta.url), 'utf8'))
const rows = report.files.flatMap((file) => file.groups.flatMap((group) => group.benchmarks))
console.log('\nbenchmark'.padEnd(62) + 'p50 ms'.padStart(10) + 'p99 ms'.padStart(10) + 'goal p99'.padStart(10))
for (const b of rows) {
  const goal = GOALS_MS[b.name]
  const verdict = goal === undefined ? '' : b.p99 < goal ? `< ${goal} ✓` : `< ${goal} ✗`
  console.log(b.name.padEnd(61) + b.median.toFixed(4).padStart(10) + b.p99.toFixed(4).padStart(10) + verdict.padStart(10))
}
console.log('\nfull report: bench/reports/latest.json')
