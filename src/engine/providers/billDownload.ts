import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import http from 'node:http'
import https from 'node:https'
import { Transform, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import { EngineError } from '../../shared/errors'
import { TransportError } from './network'

/** A shop's daily bill is a few megabytes; anything beyond this is refused rather than filling the disk. */
export const MAX_BILL_BYTES = 512 * 1024 * 1024

/** However steadily bytes arrive, a bill download ends after this long. */
const MAX_DOWNLOAD_MS = 10 * 60_000

/** Error answers of a download link are small JSON or text documents. */
const MAX_ERROR_BODY_BYTES = 64 * 1024

export interface BillFetch {
  url: URL
  headers: Record<string, string>
  /** The download fails when no byte arrives for this long. */
  idleTimeoutMs: number
  /** Created anew (never overwritten); deleted again when the download fails. */
  path: string
  /** Whether the answer is gzip to be inflated on the way to the file. */
  gunzip: boolean
  maxBytes?: number
}

export interface FetchedBill {
  /** SHA-1 (hex) of the bytes written to the file. */
  sha1: string
  bytes: number
  /** The file's first bytes, to recognise its format. */
  head: Buffer
}

/** The link answered something other than 200: its status and the start of its body. */
export class BillHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Buffer,
  ) {
    super(`the bill download answered HTTP ${status}`)
    this.name = 'BillHttpError'
  }
}

/** `YYYY-MM-DD` of a real calendar day, or VALIDATION_FAILED. */
export function requireBillDate(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN
  if (!m || !Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new EngineError('VALIDATION_FAILED', 'the bill date must be a calendar day written YYYY-MM-DD')
  }
  return date
}

/** The calendar day in Beijing (UTC+8, no daylight saving) at `ms`, `months` months earlier when asked. */
export function beijingDate(ms: number, monthsBack = 0): string {
  const day = new Date(ms + 8 * 3600_000)
  day.setUTCMonth(day.getUTCMonth() - monthsBack)
  return day.toISOString().slice(0, 10)
}

export function billNotAvailable(reason: 'creating' | 'no_statement' | 'too_early', message: string): EngineError {
  return new EngineError('BILL_NOT_AVAILABLE', message, { reason })
}

/**
 * Streams a bill from `url` into `path`, inflating it when asked, while hashing what is written, so the bill
 * is never held in memory whole. On any failure the partial file is deleted. Throws TransportError (timeout /
 * unreachable), BillHttpError (an answer other than 200) or BILL_INVALID (too large, or not gzip).
 */
export async function fetchBill(fetch: BillFetch): Promise<FetchedBill> {
  const download = startDownload(fetch)
  try {
    const response = await download.response
    if (response.statusCode !== 200) throw new BillHttpError(response.statusCode ?? 0, await readSmall(response))
    const tap = new HashTap(fetch.maxBytes ?? MAX_BILL_BYTES)
    const stages = fetch.gunzip ? [createGunzip(), tap] : [tap]
    await pipeline(
      response,
      new SizeLimit(fetch.maxBytes ?? MAX_BILL_BYTES),
      ...stages,
      createWriteStream(fetch.path, { flags: 'wx' }),
    )
    return tap.result()
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) await rm(fetch.path, { force: true })
    throw download.explain(error)
  } finally {
    download.end()
  }
}

interface Download {
  response: Promise<http.IncomingMessage>
  /** The error to throw for what went wrong (a timeout shows as a broken connection otherwise). */
  explain(error: unknown): unknown
  end(): void
}

function startDownload(fetch: BillFetch): Download {
  const client = fetch.url.protocol === 'https:' ? https : fetch.url.protocol === 'http:' ? http : null
  if (!client) {
    return {
      response: Promise.reject(new TransportError('unreachable', `unsupported protocol ${fetch.url.protocol}`)),
      explain: (error) => error,
      end: () => undefined,
    }
  }
  let timedOut: string | null = null
  const request = client.get(fetch.url, { headers: fetch.headers })
  const giveUp = (why: string): void => {
    timedOut = why
    request.destroy()
  }
  request.setTimeout(fetch.idleTimeoutMs, () => giveUp(`no data for ${fetch.idleTimeoutMs} ms`))
  const deadline = setTimeout(() => giveUp(`not finished within ${MAX_DOWNLOAD_MS / 60_000} minutes`), MAX_DOWNLOAD_MS)
  const response = new Promise<http.IncomingMessage>((resolve, reject) => {
    request.on('response', resolve)
    request.on('error', reject)
  })
  return {
    response,
    explain: (error) => explainFailure(error, timedOut),
    end: () => {
      clearTimeout(deadline)
      request.destroy()
    },
  }
}

/** Network failures, as Node names them: the connection, not our disk, let the download down. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_STREAM_PREMATURE_CLOSE',
])

function explainFailure(error: unknown, timedOut: string | null): unknown {
  if (timedOut) return new TransportError('timeout', timedOut)
  const code = (error as NodeJS.ErrnoException | null)?.code ?? ''
  if (code.startsWith('Z_')) return new EngineError('BILL_INVALID', 'the bill is not the gzip file it was asked as')
  if (NETWORK_CODES.has(code) || code.startsWith('ERR_TLS') || /CERT|SSL/.test(code)) {
    return new TransportError('unreachable', `the connection broke during the download (${code})`)
  }
  return error
}

async function readSmall(response: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of response) {
    const buffer = chunk as Buffer
    chunks.push(buffer.subarray(0, MAX_ERROR_BODY_BYTES - size))
    size += buffer.length
    if (size >= MAX_ERROR_BODY_BYTES) break
  }
  return Buffer.concat(chunks)
}

/** Refuses a stream longer than `max` bytes (before inflating: what crosses the network). */
class SizeLimit extends Transform {
  private size = 0
  constructor(private readonly max: number) {
    super()
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length
    if (this.size > this.max) done(tooLarge(this.max))
    else done(null, chunk)
  }
}

/** Hashes and counts what goes to the file, keeps its first bytes, and refuses it beyond `max` (a gzip bomb). */
class HashTap extends Transform {
  private readonly hash = createHash('sha1')
  private size = 0
  private head = Buffer.alloc(0)
  constructor(private readonly max: number) {
    super()
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length
    if (this.size > this.max) {
      done(tooLarge(this.max))
      return
    }
    if (this.head.length < 16) this.head = Buffer.concat([this.head, chunk.subarray(0, 16 - this.head.length)])
    this.hash.update(chunk)
    done(null, chunk)
  }

  result(): FetchedBill {
    return { sha1: this.hash.digest('hex'), bytes: this.size, head: this.head }
  }
}

function tooLarge(max: number): EngineError {
  return new EngineError('BILL_INVALID', `the bill is larger than ${Math.round(max / 1024 / 1024)} MB and was refused`)
}
