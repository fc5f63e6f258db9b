import { createServer, type RequestListener, type Server } from 'node:http'
import type { Socket } from 'node:net'

/**
 * What one client may hold of the server. In LAN mode every phone on the shop's Wi-Fi reaches it: a client that
 * sends headers and then a body a byte at a time, or opens sockets and sends nothing, must not be able to use up
 * the server's connections.
 */
export interface ConnectionLimits {
  /** The whole request (headers and body) must have arrived within this many milliseconds. */
  requestTimeoutMs: number
  /** The headers must have arrived within this many milliseconds (at most `requestTimeoutMs`). */
  headersTimeoutMs: number
  /** An idle keep-alive connection is closed after this many milliseconds. */
  keepAliveTimeoutMs: number
  /** Connections open at once from one address; more are closed as they arrive. */
  maxConnectionsPerAddress: number
  /** How often Node checks open requests against the timeouts. */
  checkIntervalMs: number
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 20_000,
  keepAliveTimeoutMs: 5_000,
  // A till's browser holds a handful (the event stream, a few requests); a phone fewer.
  maxConnectionsPerAddress: 64,
  checkIntervalMs: 5_000,
}

/** An HTTP server that enforces `limits`: Fastify is given it through its `serverFactory` option. */
export function createLimitedServer(limits: ConnectionLimits, handler: RequestListener): Server {
  const server = createServer(
    {
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      connectionsCheckingInterval: limits.checkIntervalMs,
      // A request without a Host header reaches the host guard and gets its coded 403, not Node's bare 400.
      requireHostHeader: false,
    },
    handler,
  )
  server.keepAliveTimeout = limits.keepAliveTimeoutMs
  capConnectionsPerAddress(server, limits.maxConnectionsPerAddress)
  return server
}

function capConnectionsPerAddress(server: Server, max: number): void {
  const open = new Map<string, number>()
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown'
    const count = open.get(address) ?? 0
    if (count >= max) {
      socket.destroy()
      return
    }
    open.set(address, count + 1)
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1
      if (left > 0) open.set(address, left)
      else open.delete(address)
    })
  })
}
