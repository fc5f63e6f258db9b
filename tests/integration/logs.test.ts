import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../src/engine'
import { createFileLogger } from '../../src/server/fileLog'
import { tempDir } from '../support/engine'

const dirs: { path: string; remove(): void }[] = []
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

const logText = (logDir: string) =>
  readdirSync(logDir)
    .filter((name) => name.endsWith('.log'))
    .map((name) => readFileSync(join(logDir, name), 'utf8'))
    .join('')

describe('the log file', () => {
  it('is structured, one JSON object a line, with secrets and tokens redacted wherever they sit', async () => {
    const logDir = join(folder(), 'logs')
    const log = await createFileLogger(logDir)
    log.logger.warn(
      {
        operation: 'credentials.set',
        token: 'tok-123456',
        headers: { authorization: 'Bearer live-token-9' },
        credentials: { apiV3Key: 'key-abcdef', merchantPrivateKeyPem: '-----BEGIN PRIVATE KEY-----' },
        authCode: '134567890123456789',
      },
      'a warning with secrets in its fields',
    )
    await log.close()
    const text = logText(logDir)
    for (const secret of ['tok-123456', 'live-token-9', 'key-abcdef', 'BEGIN PRIVATE KEY', '134567890123456789']) {
      expect(text).not.toContain(secret)
    }
    const entry = JSON.parse(text.trim().split('\n')[0]!)
    expect(entry).toMatchObject({
      level: 40,
      msg: 'a warning with secrets in its fields',
      operation: 'credentials.set',
    })
    expect(entry.credentials.apiV3Key).toBe('[redacted]')
    expect(readdirSync(logDir)).toContain('hutong.1.log')
  })

  it('an unexpected failure is logged with its operation, and "export logs" gathers the files for support', async () => {
    const dataDir = folder()
    const log = await createFileLogger(join(dataDir, 'logs'))
    const engine = createEngine({ dataDir, sweepIntervalMs: 0, logger: log.logger, logDir: log.folder })
    engines.push(engine)
    // The catalog table goes missing under the engine: creating an order fails in a way no code anticipates.
    engine.db.exec('DROP TABLE order_lines')
    await expect(engine.invoke('orders.create', { lines: [{ sku: 'DRK-001', quantity: 1 }] })).rejects.toMatchObject({
      code: 'INTERNAL',
    })
    const exported = await engine.invoke('logs.export', {})
    expect(exported.files).toBeGreaterThanOrEqual(1)
    expect(statSync(exported.path).mode & 0o777).toBe(0o600)
    const lines = readFileSync(exported.path, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(lines).toContainEqual(expect.objectContaining({ level: 50, operation: 'orders.create' }))
    await log.close()
  })

  it('an engine without a log folder says so instead of exporting nothing', async () => {
    const engine = createEngine({ dataDir: folder(), sweepIntervalMs: 0 })
    engines.push(engine)
    await expect(engine.invoke('logs.export', {})).rejects.toMatchObject({ code: 'INVALID_STATE' })
  })
})
