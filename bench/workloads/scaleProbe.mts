// Opens a large store as the app would and measures it, in a process of its own (see scale.mts).
import { createEngine } from '../../src/engine'
import { businessDayStart } from '../../src/engine/time'
import { nowMs, percentiles, sample } from '../lib/measure.mjs'

const [dir, idsJson] = process.argv.slice(2) as [string, string]
const ids = JSON.parse(idsJson) as string[]
const openStart = nowMs()
const engine = createEngine({ dataDir: dir, sweepIntervalMs: 0 })
await engine.sweep()
await engine.invoke('orders.get', { id: ids[0]! })
const openMs = nowMs() - openStart
let k = 0
const lookup = percentiles(await sample(2000, () => engine.invoke('orders.get', { id: ids[k++ % ids.length]! }), 100))
const takings = engine.db.prepare(
  "SELECT paid_wallet AS wallet, COUNT(*) AS n, SUM(total_fen) AS total FROM orders WHERE status = 'paid' AND paid_at >= ? GROUP BY paid_wallet",
)
const dayStart = businessDayStart(Date.now())
const today = percentiles(await sample(200, () => takings.all(dayStart), 20))
const yesterday = new Date(Date.now() + 8 * 3600_000 - 24 * 3600_000).toISOString().slice(0, 10)
const dayReport = percentiles(await sample(50, () => engine.invoke('days.get', { day: yesterday }), 5))
const verifyStart = nowMs()
const verified = await engine.invoke('books.verify', {})
const verifyMs = nowMs() - verifyStart
const rssMb = process.memoryUsage().rss / 2 ** 20
await engine.close()
process.send!({
  openMs,
  lookupP50: lookup.p50,
  todayP50: today.p50,
  dayReportP50: dayReport.p50,
  verifyMs,
  verifyOk: verified.ok,
  rssMb,
})
process.disconnect()
