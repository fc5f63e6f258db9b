import { spawn } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { createEngine, DATABASE_FILE, type Engine } from '../../src/engine'
import { tempDir } from '../support/engine'

const dirs: { remove(): void }[] = []
const engines: Engine[] = []
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close()
  for (const dir of dirs.splice(0)) dir.remove()
})

function folder(): string {
  const dir = tempDir()
  dirs.push(dir)
  return dir.path
}

function open(dataDir: string): Engine {
  const engine = createEngine({ dataDir, sweepIntervalMs: 0, seedDemo: false })
  engines.push(engine)
  return engine
}

async function reopen(engine: Engine): Promise<Engine> {
  await engine.close()
  engines.splice(engines.indexOf(engine), 1)
  return open(engine.dataDir)
}

/** Every byte of the data folder (database, WAL), as text: what another user of the PC could read. */
function folderBytes(dataDir: string): string {
  return readdirSync(dataDir)
    .map((name) => readFileSync(join(dataDir, name)).toString('latin1'))
    .join('')
}

describe('the integrator API token is kept as a hash', () => {
  it('is made once, shown only then, and never written in clear', async () => {
    let engine = open(folder())
    const token = engine.apiTokens.issueIfMissing()
    expect(token).toMatch(/^[A-Za-z0-9_-]{24,}$/)
    expect(engine.apiTokens.matches(token!)).toBe(true)
    expect(engine.apiTokens.matches(`${token}x`)).toBe(false)
    engine = await reopen(engine)
    expect(engine.apiTokens.issueIfMissing()).toBeNull()
    expect(engine.apiTokens.matches(token!)).toBe(true)
    expect(folderBytes(engine.dataDir)).not.toContain(token!)
  })

  it('a new token replaces the old one at once', () => {
    const engine = open(folder())
    const old = engine.apiTokens.issueIfMissing()!
    const fresh = engine.apiTokens.reissue()
    expect(fresh).not.toBe(old)
    expect(engine.apiTokens.matches(old)).toBe(false)
    expect(engine.apiTokens.matches(fresh)).toBe(true)
  })

  it('a token an older version kept in clear keeps working, and its clear copy is removed', async () => {
    const dataDir = folder()
    await reopen(open(dataDir))
    const db = new BetterSqlite3(join(dataDir, DATABASE_FILE))
    db.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES ('api.token', 'old-clear-token-0123456789')").run()
    db.prepare("DELETE FROM settings WHERE key = 'api.token.sha256'").run()
    db.close()
    const engine = open(dataDir)
    expect(engine.apiTokens.matches('old-clear-token-0123456789')).toBe(true)
    expect(engine.apiTokens.issueIfMissing()).toBeNull()
    const keys = engine.db.prepare("SELECT key FROM settings WHERE key LIKE 'api.token%'").all()
    expect(keys).toEqual([{ key: 'api.token.sha256' }])
  })
})

const SERVE_ENTRY = join(process.cwd(), 'out', 'main', 'serve.js')

/** Runs the built headless server on `dataDir`, calls `whileRunning` once it is ready, then stops it. */
async function serveOnce(
  dataDir: string,
  args: string[] = [],
  whileRunning: (base: string, output: string) => Promise<void> = async () => undefined,
): Promise<string> {
  if (!existsSync(SERVE_ENTRY)) throw new Error('out/main/serve.js is missing: run `npm run build` first')
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HUTONG_DATA_DIR: dataDir,
    HUTONG_HOST: '127.0.0.1',
    HUTONG_PORT: '0',
  }
  delete env.HUTONG_API_TOKEN
  const child = spawn(process.execPath, [SERVE_ENTRY, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  let output = ''
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no READY line:\n${output}`)), 20_000)
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /READY (\S+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    })
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  })
  try {
    await whileRunning(base, output)
  } finally {
    child.kill('SIGTERM')
    await exited
  }
  return output
}

const ordersWith = async (base: string, token: string) =>
  (await fetch(`${base}/api/orders`, { headers: { Authorization: `Bearer ${token}` } })).status

const tokenIn = (output: string) => /API token: (\S+) \(shown this once/.exec(output)?.[1] ?? null

describe('headless start-up', () => {
  it('prints the token on first start only; --show-token issues a new one and the old one stops working', async () => {
    const dataDir = folder()
    let token: string | null = null
    const first = await serveOnce(dataDir, [], async (base, output) => {
      token = tokenIn(output)
      expect(token).not.toBeNull()
      expect(await ordersWith(base, token!)).toBe(200)
    })
    expect(first).toContain(`?token=${encodeURIComponent(token!)}`)

    const second = await serveOnce(dataDir, [], async (base) => {
      expect(await ordersWith(base, token!)).toBe(200)
    })
    expect(tokenIn(second)).toBeNull()
    expect(second).not.toContain(token!)
    expect(second).toContain('--show-token')

    await serveOnce(dataDir, ['--show-token'], async (base, output) => {
      const fresh = tokenIn(output)
      expect(fresh).not.toBeNull()
      expect(fresh).not.toBe(token)
      expect(await ordersWith(base, fresh!)).toBe(200)
      expect(await ordersWith(base, token!)).toBe(401)
    })
  }, 60_000)
})
