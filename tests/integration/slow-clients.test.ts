import { connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_CONNECTION_LIMITS } from '../../src/server/connectionLimits'
import { testServer } from '../support/server'

let s: Awaited<ReturnType<typeof testServer>> | null = null
const sockets: Socket[] = []

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy()
  await s?.dispose()
  s = null
})

const received = new WeakMap<Socket, string>()

/** Sends full headers and a few bytes of a 1,000-byte body, then nothing: a client on a very slow link, or not. */
function slowBody(port: number, fromAddress: string): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress: fromAddress }, () => {
      socket.write(
        'POST /f/code HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n' +
          'Content-Length: 1000\r\n\r\ncode=12',
      )
      resolve(socket)
    })
    // Reads what the server says (a 408), so the socket sees the server close it.
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => received.set(socket, (received.get(socket) ?? '') + chunk))
    socket.on('error', () => undefined)
    sockets.push(socket)
  })
}

/** GET /api/health over a fresh connection from `fromAddress`. */
function health(port: number, fromAddress: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress: fromAddress }, () => {
      socket.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
    })
    let answer = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => (answer += chunk))
    socket.on('end', () => resolve(answer))
    socket.on('error', reject)
    setTimeout(() => reject(new Error('no answer within 5 s')), 5000).unref()
  })
}

const closed = (socket: Socket) => socket.destroyed || socket.readyState === 'closed'

describe('slow and idle clients', () => {
  it('cuts off requests after 30 s, idle keep-alive after 5 s, and caps connections per address by default', () => {
    expect(DEFAULT_CONNECTION_LIMITS.requestTimeoutMs).toBe(30_000)
    expect(DEFAULT_CONNECTION_LIMITS.keepAliveTimeoutMs).toBeLessThanOrEqual(5_000)
    expect(DEFAULT_CONNECTION_LIMITS.maxConnectionsPerAddress).toBeLessThanOrEqual(64)
  })

  it('500 slow bodies from one address neither stop the server nor stay open', async () => {
    s = await testServer(
      {},
      { connectionLimits: { requestTimeoutMs: 1500, headersTimeoutMs: 1500, checkIntervalMs: 250 } },
    )
    const attacker = await Promise.all(Array.from({ length: 500 }, () => slowBody(s!.server.port, '127.0.0.3')))
    expect(attacker).toHaveLength(500)

    const answer = await health(s.server.port, '127.0.0.2')
    expect(answer).toMatch(/^HTTP\/1\.1 200/)
    expect(answer).toContain('"ok":true')

    await expect.poll(() => attacker.filter(closed).length, { timeout: 8000, interval: 200 }).toBe(attacker.length)
    const timedOut = attacker.map((socket) => received.get(socket)).filter((text) => text !== undefined)
    expect(timedOut.length).toBeGreaterThan(0)
    for (const text of timedOut) {
      expect(text).toMatch(/^HTTP\/1\.1 408/)
      expect(JSON.parse(text!.slice(text!.indexOf('\r\n\r\n') + 4))).toMatchObject({
        error: { code: 'REQUEST_TIMEOUT' },
      })
    }
  }, 20_000)

  it('a client over its address’s cap is closed at once; others keep theirs', async () => {
    s = await testServer({}, { connectionLimits: { maxConnectionsPerAddress: 4 } })
    const first = await Promise.all(Array.from({ length: 4 }, () => slowBody(s!.server.port, '127.0.0.4')))
    const extra = await slowBody(s.server.port, '127.0.0.4')
    await expect.poll(() => closed(extra), { timeout: 3000 }).toBe(true)
    expect(first.filter(closed)).toHaveLength(0)
    expect(await health(s.server.port, '127.0.0.5')).toMatch(/^HTTP\/1\.1 200/)
  })
})
