import { EngineError } from '../shared/errors'

export type LogFields = Record<string, unknown>

/**
 * Where the engine reports what went wrong (and a few things that went right). The shape is pino's
 * (`fields` first, then the message), so a pino logger can be passed as it is.
 */
export interface Logger {
  error(fields: LogFields, message: string): void
  warn(fields: LogFields, message: string): void
  info(fields: LogFields, message: string): void
  /** Writes out what is buffered (pino's); the log export calls it before reading the files. */
  flush?(callback: (error?: Error) => void): void
}

/** One line per entry on stderr: `[engine] message {"operation":"orders.create",…}`. */
export function createConsoleLogger(scope = 'engine'): Logger {
  const write =
    (level: 'error' | 'warn' | 'info') =>
    (fields: LogFields, message: string): void => {
      const extra = Object.keys(fields).length ? ` ${safeJson(fields)}` : ''
      console.error(`[${scope}] ${level === 'info' ? '' : `${level}: `}${message}${extra}`)
    }
  return { error: write('error'), warn: write('warn'), info: write('info') }
}

/** The loggable facts of something thrown: its code, message and where it came from. */
export function errorFields(error: unknown): LogFields {
  if (error instanceof EngineError) return { code: error.code, error: error.message }
  if (error instanceof Error) return { error: `${error.name}: ${error.message}`, stack: error.stack }
  return { error: String(error) }
}

function safeJson(fields: LogFields): string {
  try {
    return JSON.stringify(fields)
  } catch {
    // A field that cannot be serialised (a cycle) must not hide the entry itself.
    return '{"fields":"unserialisable"}'
  }
}
