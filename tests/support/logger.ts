import type { LogFields, Logger } from '../../src/engine/logger'

export interface LogEntry {
  level: 'error' | 'warn' | 'info'
  message: string
  fields: LogFields
}

/** A logger that keeps what the engine reports, so tests can read it and the test output stays quiet. */
export function collectingLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = []
  const at =
    (level: LogEntry['level']) =>
    (fields: LogFields, message: string): void =>
      void entries.push({ level, message, fields })
  return { entries, error: at('error'), warn: at('warn'), info: at('info') }
}
