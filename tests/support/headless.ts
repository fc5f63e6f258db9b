import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { newSecretTokenForTests } from './tokens'
import { tempDir } from './engine'
import { demoPin, type DemoRole } from './staff'

const SERVE_ENTRY = join(process.cwd(), 'out', 'main', 'serve.js')

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** Runs the built headless app with `env` and waits until it says it is ready. */
async function spawnServe(env: NodeJS.ProcessEnv) {
  const child: ChildProcess = spawn(process.execPath, [SERVE_ENTRY], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`headless server did not start:\n${output}`)), 20_000)
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      if (output.includes('READY ')) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`headless server exited with ${code}:\n${output}`))
    })
  })
  return {
    output: () => output,
    async halt() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    },
  }
}

/**
 * Starts the built headless app (`npm run serve` runs the same file) on a free loopback port with a
 * fresh data folder, and waits until it says it is ready.
 */
export async function startHeadless(extraEnv: Record<string, string> = {}) {
  if (!existsSync(SERVE_ENTRY))
    throw new Error('out/main/serve.js is missing: run `npm run build` first (npm test does)')
  const dir = tempDir()
  const port = await freePort()
  const token = newSecretTokenForTests()
  const env = {
    ...process.env,
    HUTONG_DATA_DIR: dir.path,
    HUTONG_HOST: '127.0.0.1',
    HUTONG_PORT: String(port),
    HUTONG_API_TOKEN: token,
    ...extraEnv,
  }
  let server = await spawnServe(env)
  const base = `http://127.0.0.1:${port}`

  /** As the integrator's token alone (its own, narrower permissions). */
  async function asIntegration(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(base + path, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      body: body ? JSON.stringify(body) : undefined,
    })
    return { status: res.status, json: (await res.json()) as any }
  }

  /** Signs a demo member in over the API (owner 8888, cashier 1234) and returns the session token. */
  async function signIn(role: DemoRole): Promise<string> {
    const { json } = await asIntegration('GET', '/api/auth/staff')
    const member = (json.staff as { id: string; role: string }[]).find((m) => m.role === role)!
    const signed = await asIntegration('POST', '/api/auth/sign-in', { staffId: member.id, pin: demoPin(role) })
    if (signed.status !== 201) throw new Error(`sign-in failed: ${JSON.stringify(signed.json)}`)
    return signed.json.token as string
  }
  // Signed in at once, while every wallet is still simulated: a demo PIN used after a real wallet goes live may
  // only be replaced (PIN_CHANGE_REQUIRED), and tests switch wallets to sandbox.
  const ownerSession = await signIn('owner')

  return {
    base,
    token,
    dataDir: dir.path,
    output: () => server.output(),
    asIntegration,
    signIn,
    /** As the demo owner signed in at a console: everything is allowed (settings, staff, permissions). */
    async api(method: string, path: string, body?: unknown) {
      return asIntegration(method, path, body, { 'X-Hutong-Session': ownerSession })
    },
    /** Stops the server and keeps its data folder: the till loses it as it would a crashed or unplugged one. */
    async halt() {
      await server.halt()
    },
    /** Starts the server again on the same port and data folder (after `halt`). */
    async restart() {
      await server.halt()
      server = await spawnServe(env)
    },
    async stop() {
      await server.halt()
      dir.remove()
    },
  }
}
