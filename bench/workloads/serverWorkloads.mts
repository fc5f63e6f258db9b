import { fork } from 'node:child_process'
import { connect, type Socket } from 'node:net'
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

/** GET /api/health over a new connection from `fromAddress`: milliseconds to the first byte of the answer. */
function firstAnswerMs(port: number, fromAddress: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = nowMs()
    const socket = connect({ host: '127.0.0.1', port, localAddress: fromAddress }, () =>
      socket.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'),
    )
    socket.once('data', () => {
      resolve(nowMs() - start)
      socket.destroy()
    })
    socket.once('error', reject)
  })
}

/**
 * A neighbour on the Wi-Fi holds 500 sockets that send headers and then a body a byte at a time: how long the till
 * (another address) waits for its first answer, against the same with nobody holding sockets.
 */
export async function slowSocketsNeighbour(): Promise<BenchResult[]> {
  return withServer(async (base) => {
    const port = Number(new URL(base).port)
    const sample = async () => {
      const times: number[] = []
      for (let i = 0; i < 200; i++) times.push(await firstAnswerMs(port, '127.0.0.2'))
      return percentiles(times.slice(20))
    }
    const quiet = await sample()
    const slow = await Promise.all(
      Array.from(
        { length: 500 },
        () =>
          new Promise<Socket>((resolve) => {
            const socket = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.3' }, () => {
              socket.write('POST /f/code HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\ncode=1')
              resolve(socket)
            })
            socket.on('error', () => undefined)
            socket.resume()
          }),
      ),
    )
    const loaded = await sample()
    for (const socket of slow) socket.destroy()
    const note = `p99 ${loaded.p99.toFixed(2)} ms with them, ${quiet.p99.toFixed(2)} ms without`
    return [
      result('time to first answer, 500 slow sockets open (p50)', loaded.p50, 'ms', { op: '<', value: 50 }, { note }),
      result('time to first answer, no slow sockets (p50)', quiet.p50, 'ms', null),
    ]
  })
}
