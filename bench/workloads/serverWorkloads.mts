import { fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { createEngine } from '../../src/engine'
import { startServer } from '../../src/server'
import { loadServerConfig } from '../../src/server/config'
import { nowMs, percentiles } from '../lib/measure.mjs'
import { result, type BenchResult } from '../lib/report.mjs'

const TOKEN = 'bench-token-0123456789'

async function withServer<T>(fn: (base: string, engine: ReturnType<typeof createEngine>) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'hutong-bench-'))
  const engine = createEngine({ dataDir: dir, sweepIntervalMs: 0 })
  const server = await startServer({
    engine,
    config: loadServerConfig({ HUTONG_HOST: '127.0.0.1', HUTONG_PORT: '0' }),
    apiToken: TOKEN,
    version: 'bench',
  })
  try {
    return await fn(server.localUrl, engine)
  } finally {
    await server.close()
    await engine.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

const headers = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' }

export async function timeToQrOverHttp(): Promise<BenchResult[]> {
  return withServer(async (base) => {
    const latencies: number[] = []
    for (let i = 0; i < 330; i++) {
      const order = (await (
        await fetch(`${base}/api/orders`, { method: 'POST', headers, body: '{"amountFen":1234}' })
      ).json()) as { id: string }
      const start = nowMs()
      const res = await fetch(`${base}/api/orders/${order.id}/payments`, {
        method: 'POST',
        headers,
        body: '{"wallet":"wechat"}',
      })
      await res.json()
      if (i >= 30) latencies.push(nowMs() - start)
    }
    return [result('time to QR p50 (HTTP on 127.0.0.1)', percentiles(latencies).p50, 'ms', { op: '<', value: 10 })]
  })
}

/** Simulator payment → the console's SSE stream delivers order.paid. */
export async function paymentDetection(): Promise<BenchResult[]> {
  return withServer(async (base, engine) => {
    const controller = new AbortController()
    const res = await fetch(`${base}/api/events`, { headers, signal: controller.signal })
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    let buffer = ''
    const waiters = new Map<string, (t: number) => void>()
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }))
        if (done) return
        buffer += decoder.decode(value, { stream: true })
        let cut: number
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut)
          buffer = buffer.slice(cut + 2)
          const data = block.split('\n').find((l) => l.startsWith('data:'))
          if (!data) continue
          const event = JSON.parse(data.slice(5)) as { type: string; orderId: string }
          if (event.type === 'order.paid') waiters.get(event.orderId)?.(nowMs())
        }
      }
    })()
    const latencies: number[] = []
    for (let i = 0; i < 120; i++) {
      const order = (await (
        await fetch(`${base}/api/orders`, { method: 'POST', headers, body: '{"amountFen":500}' })
      ).json()) as { id: string }
      const payment = (await (
        await fetch(`${base}/api/orders/${order.id}/payments`, { method: 'POST', headers, body: '{"wallet":"alipay"}' })
      ).json()) as {
        qrContent: string
      }
      const seen = new Promise<number>((resolve) => waiters.set(order.id, resolve))
      const start = nowMs()
      engine.simulator.confirm(new URL(payment.qrContent).pathname.split('/').pop()!)
      const at = await seen
      if (i >= 20) latencies.push(at - start)
    }
    controller.abort()
    return [
      result('payment detection p50 (simulator → SSE event)', percentiles(latencies).p50, 'ms', { op: '<', value: 50 }),
    ]
  })
}

/** Create order + options over loopback, a concurrent client in this process, the server in another. */
export async function httpApiThroughput(seconds: number): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hutong-bench-'))
  const child = fork(fileURLToPath(new URL('./benchServer.mts', import.meta.url)), [], {
    env: { ...process.env, HUTONG_DATA_DIR: dir, HUTONG_API_TOKEN: TOKEN },
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.BENCH_CPU_PROFILE_DIR
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE_DIR}`]
        : []),
    ],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  try {
    const base = await new Promise<string>((resolve, reject) => {
      child.once('message', (m) => resolve(String(m)))
      child.once('exit', (code) => reject(new Error(`bench server exited ${code}`)))
    })
    const run = await autocannon({
      url: base,
      connections: 64,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          path: '/api/orders',
          headers,
          body: JSON.stringify({
            lines: [
              { sku: 'BRK-001', quantity: 2 },
              { sku: 'DRK-001', quantity: 1 },
            ],
          }),
          onResponse: (status: number, body: string, context: Record<string, unknown>) => {
            if (status === 201) context.orderId = (JSON.parse(body) as { id: string }).id
          },
        },
        {
          method: 'GET',
          headers,
          setupRequest: (request: { path: string }, context: Record<string, unknown>) => ({
            ...request,
            path: `/api/orders/${String(context.orderId)}/payment-options`,
          }),
        },
      ],
    } as never)
    const ok = run.requests.total - run.non2xx - run.errors
    return [
      result(
        'HTTP API: create order + options',
        run.requests.average,
        'req/s',
        { op: '>=', value: 2000 },
        {
          note: `${ok}/${run.requests.total} answered 2xx; p99 latency ${run.latency.p99} ms; 64 connections`,
        },
      ),
    ]
  } finally {
    child.kill('SIGTERM')
    rmSync(dir, { recursive: true, force: true })
  }
}
