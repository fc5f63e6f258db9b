import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
const root = process.env.ROOT ?? '/work/main'
const { createEngine } = await import(`${root}/src/engine/index.ts`)
const dir = mkdtempSync(join(tmpdir(), 'cpu-'))
const engine = createEngine({ dataDir: dir, sweepIntervalMs: 0 })
const waiting = new Map<string, () => void>()
engine.subscribe((e: any) => { if (e.type === 'order.paid') waiting.get(e.orderId!)?.() })
async function one() {
  const o = (await engine.invoke('orders.create', { lines: [{ sku: 'BRK-001', quantity: 2 }, { sku: 'DRK-001', quantity: 1 }, { sku: 'DLY-001', quantity: 1 }] })) as { id: string }
  await engine.invoke('orders.paymentOptions', { id: o.id })
  const p = (await engine.invoke('payments.create', { id: o.id, wallet: 'wechat', qrSvg: false })) as { qrContent: string }
  const done = new Promise<void>((r) => waiting.set(o.id, r))
  engine.simulator.confirm(new URL(p.qrContent).pathname.split('/').pop()!)
  await done
}
const run = async (n: number) => { await Promise.all(Array.from({ length: 16 }, async () => { for (let i = 0; i < n / 16; i++) await one() })) }
await run(1600)
const cpu0 = process.cpuUsage(); const t0 = performance.now()
await run(8000)
const cpu = process.cpuUsage(cpu0); const wall = performance.now() - t0
console.log(`cpu/checkout ${((cpu.user + cpu.system) / 8000).toFixed(0)} µs (user ${(cpu.user / 8000).toFixed(0)}, sys ${(cpu.system / 8000).toFixed(0)}), wall ${(wall * 1000 / 8000).toFixed(0)} µs`)
await engine.close()
