// pino-roll ships no types: the part of its API the server uses.
declare module 'pino-roll' {
  import type { DestinationStream } from 'pino'

  interface PinoRollOptions {
    file: string | (() => string)
    size?: number | string
    frequency?: 'daily' | 'hourly' | number
    extension?: string
    mkdir?: boolean
    symlink?: boolean
    limit?: { count?: number; removeOtherLogFiles?: boolean }
    dateFormat?: string
  }

  export default function pinoRoll(
    options: PinoRollOptions,
  ): Promise<DestinationStream & NodeJS.EventEmitter & { fd: number; end(): void }>
}
