import { startServer, type RunningServer } from '../../src/server'
import { loadServerConfig } from '../../src/server/config'
import type { EngineOptions } from '../../src/engine'
import { testEngine } from './engine'
import { DEMO_STAFF } from '../../src/engine/seed/demoStaff'
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

  /** As the integrator's token alone (its own, narrower permissions). */
  async function asIntegration(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
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

  /** Signs a demo staff member in (owner 8888, cashier 1234) and returns the session token. */
  async function signIn(role: 'owner' | 'cashier', pin = DEMO_STAFF.find((m) => m.role === role)!.pin) {
    const { json } = await asIntegration('GET', '/api/auth/staff')
    const member = (json.staff as { id: string; role: string }[]).find((m) => m.role === role)!
    const signed = await asIntegration('POST', '/api/auth/sign-in', { staffId: member.id, pin })
    if (signed.status !== 201) throw new Error(`sign-in failed: ${signed.text}`)
    return signed.json.token as string
  }
  let ownerSession = await signIn('owner')

  /**
   * As the demo owner signed in at a console: everything is allowed. A test that moves the clock past a session's
   * life signs in again, as the owner at the till would.
   */
  async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const answer = await asIntegration(method, path, body, { 'X-Hutong-Session': ownerSession, ...headers })
    if (answer.status !== 401 || answer.json?.error?.code !== 'SESSION_EXPIRED' || headers['X-Hutong-Session'])
      return answer
    ownerSession = await signIn('owner')
    return asIntegration(method, path, body, { 'X-Hutong-Session': ownerSession, ...headers })
  }

  return {
    ...t,
    server,
    base,
    api,
    asIntegration,
    signIn,
    async dispose() {
      await server.close()
      await t.dispose()
    },
  }
}
