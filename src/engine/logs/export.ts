import { createReadStream, createWriteStream, mkdirSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { EngineError } from '../../shared/errors'

/** The rotating log files a host writes (`hutong.<n>.log`, see server/fileLog). */
const LOG_FILE = /^hutong\.\d+\.log$/

export interface LogExport {
  path: string
  files: number
  bytes: number
}

/**
 * Gathers the log files, oldest first, into one file under `<dataDir>/exports` for support (the entries were
 * redacted when written). Streams, so a large log never sits in memory.
 */
export async function exportLogs(logDir: string | undefined, dataDir: string, now: number): Promise<LogExport> {
  if (!logDir) throw new EngineError('INVALID_STATE', 'this engine writes no log file')
  const files = readdirSync(logDir)
    .filter((name) => LOG_FILE.test(name))
    .map((name) => ({ path: join(logDir, name), mtime: statSync(join(logDir, name)).mtimeMs }))
    .sort((a, b) => a.mtime - b.mtime)
  const folder = join(dataDir, 'exports')
  mkdirSync(folder, { recursive: true, mode: 0o700 })
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').slice(0, 15)
  const path = join(folder, `hutong-logs-${stamp}.ndjson`)
  const out = createWriteStream(path, { mode: 0o600 })
  for (const file of files) await pipeline(createReadStream(file.path), out, { end: false })
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())))
  return { path, files: files.length, bytes: statSync(path).size }
}
