import { readFileSync } from 'node:fs'

/** Latency samples in milliseconds → percentiles. */
export function percentiles(samples: number[]): { p50: number; p99: number; mean: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
  return { p50: at(0.5), p99: at(0.99), mean: sorted.reduce((s, v) => s + v, 0) / sorted.length, n: sorted.length }
}

export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6
}

/** Runs `fn` `n` times (after `warmup` unmeasured runs) and returns the latency of each run. */
export async function sample(
  n: number,
  fn: () => unknown | Promise<unknown>,
  warmup = Math.min(50, n),
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn()
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const start = nowMs()
    await fn()
    out.push(nowMs() - start)
  }
  return out
}

/** Repeats `fn` for `seconds`, `concurrency` calls in flight at a time, and returns operations per second. */
export async function throughput(
  seconds: number,
  fn: () => unknown | Promise<unknown>,
  concurrency = 1,
): Promise<{ perSecond: number; count: number }> {
  const end = nowMs() + seconds * 1000
  let count = 0
  const start = nowMs()
  const worker = async () => {
    while (nowMs() < end) {
      await fn()
      count++
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return { perSecond: (count * 1000) / (nowMs() - start), count }
}

/**
 * CPU time of the process's main thread (the engine's) in milliseconds, from Linux's scheduler statistics; null
 * elsewhere. Unlike process.cpuUsage() it leaves out the garbage collector's and the thread pool's helpers, so it
 * moves far less between runs on a shared machine: the figure to compare when cutting the work per sale.
 */
export function mainThreadCpuMs(): number | null {
  try {
    const onCpuNs = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]
    return Number(onCpuNs) / 1e6
  } catch {
    return null
  }
}
