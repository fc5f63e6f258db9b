import { mkdirSync } from 'node:fs'
import { once } from 'node:events'
import { join } from 'node:path'
import pino from 'pino'
import pinoRoll from 'pino-roll'
import type { Logger } from '../engine/logger'

/** Log files: `hutong.<n>.log` in this folder, one a day or every 10 MB, the last 14 kept. */
export const LOG_FILE_BASE = 'hutong'
const ROTATION = { frequency: 'daily', size: '10m', limit: { count: 14 } } as const

/**
 * Fields that may carry a secret, wherever they appear in an entry (top level or one level down): replaced by
 * "[redacted]" before the entry is written. The engine never logs these on purpose; this is the net under it.
 */
export const REDACTED_PATHS = [
  'token',
  'apiToken',
  'authorization',
  'secret',
  'apiV3Key',
  'merchantPrivateKeyPem',
  'appPrivateKeyPem',
  'privateKey',
  'communicationKey',
  'authCode',
  'password',
].flatMap((field) => [field, `*.${field}`, `headers.${field}`])

export interface FileLogger {
  logger: Logger
  /** Where the files are (the engine's log export reads them). */
  folder: string
  /** Writes what is buffered and closes the file. */
  close(): Promise<void>
}

/**
 * A structured log (pino: one JSON object a line) in rotating files under `folder`, with warnings and errors also
 * on stderr, where an operator watching the headless server sees them.
 */
export async function createFileLogger(folder: string): Promise<FileLogger> {
  mkdirSync(folder, { recursive: true, mode: 0o700 })
  const file = await pinoRoll({ file: join(folder, LOG_FILE_BASE), mkdir: true, ...ROTATION })
  // The file is opened in the background: wait for it, so the first entries and the folder are there.
  if (file.fd < 0) await once(file, 'ready')
  const logger = pino(
    { level: 'info', redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { pid: process.pid } },
    pino.multistream([
      { level: 'info', stream: file },
      { level: 'warn', stream: process.stderr },
    ]),
  )
  return {
    logger,
    folder,
    async close() {
      await new Promise<void>((resolve) => logger.flush(() => resolve()))
      const closed = once(file, 'close')
      file.end()
      await closed
    },
  }
}
