import { startServer, type RunningServer } from '../../src/server'
import { loadServerConfig } from '../../src/server/config'
import type { EngineOptions } from '../../src/engine'
import { testEngine } from './engine'
import type { ConnectionLimits } from '../../src/server/connectionLimits'
import type { RateLimits } from '../../src/server/rateLimits'

export const TEST_TOKEN = 'test-token-0123456789abcdef'

/** A real engine on a temp SQLite file behind the real HTTP server on 127.0.0.1 (random port). */
export async function testServer(
  overrides: Partial<EngineOptions> = {},
  limits: { connectionLimits?: Partial<ConnectionLimits>; rateLimits?: Partial<RateLimits> } = {},
) {
  const t = testEngine(overrides)
  const server: RunningServer = await startServer({
    engine: t.engine,
    config: loadServerConfig({ HUTONG_HOST: '127.0.0.1', HUTONG_PORT: '0' }),
    apiToken: TEST_TOKEN,
    version: 'test',
    ...limits,
  })
  const base = server.localUrl

  async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(base + path, {
      method,
      headers: {
        Authorization: `Bearer ${TEST_TOKEN}`,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })
    const text = await response.text()
    let json: any = null
    try {
      json = JSON.parse(text)
    } catch {
      json = null
    }
    return { status: response.status, json, text, headers: response.headers }
  }

  return {
    ...t,
    server,
    base,
    api,
    async dispose() {
      await server.close()
      await t.dispose()
    },
  }
}
