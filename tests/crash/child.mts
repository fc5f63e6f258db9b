import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, rmdirSync, rmSync, type WriteStream } from 'node:fs'
import http from 'node:http'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
const SERVER_ENTRY = fileURLToPath(new URL('./server.mts', import.meta.url))
const START_TIMEOUT_MS = 60_000

/**
 * The command line that runs the server entry. The entry and the sources it imports are compiled once per run
 * into one CommonJS file with esbuild (which tsx itself runs on), packages left to node_modules: every start then
 * costs what starting the built app costs, where tsx's loader would compile and resolve on each of them. Without
 * esbuild the entry runs through tsx.
 */
export async function serverCommand(): Promise<{ args: string[]; how: string; remove(): void }> {
  let esbuild: typeof import('esbuild')
  try {
    esbuild = await import('esbuild')
  } catch {
    return { args: ['--import', 'tsx', SERVER_ENTRY], how: 'tsx', remove: () => undefined }
  }
  // Inside the repository, so that the packages left out resolve from its node_modules.
  const outfile = join(REPO_ROOT, 'node_modules', '.cache', 'hutong-crash', `server-${process.pid}.cjs`)
  await esbuild.build({
    entryPoints: [SERVER_ENTRY],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'error',
  })
  return {
    args: ['--enable-source-maps', outfile],
    how: `compiled with esbuild to ${outfile}`,
    remove() {
      rmSync(outfile, { force: true })
      try {
        rmdirSync(dirname(outfile))
      } catch {
        // Another run is using the folder: it removes it when it is done.
      }
    },
  }
}

/** The request could not be answered: the server was down, or died while working on it. */
export class Unreachable extends Error {}

export interface Answer {
  status: number
  text: string
  /** The parsed body when it is JSON, else null. */
  json: unknown
  location: string | null
  headers: http.IncomingHttpHeaders
}

export interface RequestOptions {
  /** A JSON body. */
  body?: unknown
  /** A form body (the phone pages). */
  form?: Record<string, string>
  /** Send the API token (the console and integrators); phone pages go without it. */
  token?: boolean
  headers?: Record<string, string>
}

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

/**
 * The checkout in a child process on a data folder that outlives it: started, killed with SIGKILL at any moment,
 * started again on the same folder, and finally stopped with SIGTERM. Requests wait while it is down; a request
 * under way when it dies fails with Unreachable.
 */
export class ServerProcess {
  private child: ChildProcess | null = null
  private exited: Promise<number | null> = Promise.resolve(null)
  private agent: http.Agent | null = null
  private port = 0
  private upSignal!: { promise: Promise<void>; resolve: () => void }
  private readonly logFile: WriteStream
  /** Requests sent to the server so far (sent, whatever became of them). */
  sent = 0
  answered = 0
  unreachable = 0
  /** Requests under way now, and how many were under way at each kill. */
  inFlight = 0
  readonly inFlightAtKills: number[] = []
  /** Called as each request leaves, and as each answer arrives (the kill schedule counts them). */
  onSend: () => void = () => undefined
  onAnswer: () => void = () => undefined
  starts = 0
  startMs: number[] = []

  constructor(
    private readonly command: string[],
    private readonly dataDir: string,
    private readonly token: string,
    logPath: string,
    private readonly extraEnv: Record<string, string> = {},
  ) {
    this.logFile = createWriteStream(logPath, { flags: 'a' })
    // The log is for reading afterwards; a failure to write it must not end the run.
    this.logFile.on('error', () => undefined)
    this.markDown()
  }

  private markDown(): void {
    let resolve!: () => void
    const promise = new Promise<void>((r) => (resolve = r))
    this.upSignal = { promise, resolve }
  }

  get up(): Promise<void> {
    return this.upSignal.promise
  }

  get pid(): number | undefined {
    return this.child?.pid
  }

  /** Starts the server on the data folder and waits until it answers. */
  async start(): Promise<void> {
    if (!this.port) this.port = await freePort()
    for (let tries = 0; ; tries++) {
      try {
        await this.spawnOnce()
        return
      } catch (error) {
        // Someone else took the port meanwhile: codes are opened by their path, so another port does as well.
        if (tries < 3 && error instanceof Error && error.message.includes('EADDRINUSE')) {
          this.port = await freePort()
          continue
        }
        throw error
      }
    }
  }

  private async spawnOnce(): Promise<void> {
    const began = Date.now()
    this.starts++
    this.writeLog(`\n=== start ${this.starts} on port ${this.port} at ${new Date().toISOString()} ===\n`)
    const child = spawn(process.execPath, this.command, {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        ...this.extraEnv,
        HUTONG_DATA_DIR: this.dataDir,
        HUTONG_HOST: '127.0.0.1',
        HUTONG_PORT: String(this.port),
        HUTONG_API_TOKEN: this.token,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.child = child
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)))
    let output = ''
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      this.writeLog(chunk)
    })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the server did not start:\n${output.slice(-4000)}`)),
        START_TIMEOUT_MS,
      )
      child.stdout!.on('data', (chunk: Buffer) => {
        this.writeLog(chunk)
        output += chunk.toString()
        if (/READY http:\/\/\S+\n/.test(output)) {
          clearTimeout(timer)
          resolve()
        }
      })
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        reject(new Error(`the server exited (${code ?? signal}) before it was ready:\n${output.slice(-4000)}`))
      })
    })
    this.startMs.push(Date.now() - began)
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 32 })
    this.upSignal.resolve()
  }

  private writeLog(chunk: Buffer | string): void {
    if (!this.logFile.writableEnded) this.logFile.write(chunk)
  }

  /** SIGKILL: no chance to finish anything. Resolves once the process is gone. */
  async kill(): Promise<void> {
    this.markDown()
    const child = this.child
    if (child && child.exitCode === null && child.signalCode === null) {
      this.inFlightAtKills.push(this.inFlight)
      this.writeLog(`\n=== SIGKILL at ${new Date().toISOString()} ===\n`)
      child.kill('SIGKILL')
    }
    await this.exited
    this.agent?.destroy()
    this.agent = null
  }

  /** SIGTERM: the clean stop a shop's shutdown makes. Returns the exit code. */
  async stop(timeoutMs = 60_000): Promise<number | null> {
    this.markDown()
    const child = this.child
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    const code = await this.exited
    clearTimeout(timer)
    this.agent?.destroy()
    this.agent = null
    return code
  }

  /** Kills the server if it still runs and fails every request from now on (after a run, or when it broke off). */
  async dispose(): Promise<void> {
    await this.kill()
    this.upSignal.resolve()
    if (!this.logFile.writableEnded) await new Promise<void>((resolve) => this.logFile.end(resolve))
  }

  /** One request; waits while the server is down, fails with Unreachable if it dies under way. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<Answer> {
    await this.up
    const agent = this.agent
    if (!agent) throw new Unreachable('the server is down')
    const headers: Record<string, string> = { ...options.headers }
    let payload: string | undefined
    if (options.body !== undefined) {
      payload = JSON.stringify(options.body)
      headers['Content-Type'] = 'application/json'
    } else if (options.form) {
      payload = new URLSearchParams(options.form).toString()
      headers['Content-Type'] = 'application/x-www-form-urlencoded'
    }
    if (options.token) headers['Authorization'] = `Bearer ${this.token}`
    if (payload !== undefined) headers['Content-Length'] = String(Buffer.byteLength(payload))
    this.sent++
    this.inFlight++
    this.onSend()
    return new Promise<Answer>((resolve, reject) => {
      let settled = false
      const fail = (error: Error): void => {
        if (settled) return
        settled = true
        this.inFlight--
        this.unreachable++
        reject(new Unreachable(`${method} ${path}: ${error.message}`))
      }
      const req = http.request(
        { host: '127.0.0.1', port: this.port, method, path, headers, agent, timeout: 30_000 },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('error', fail)
          res.on('aborted', () => fail(new Error('the answer was cut off')))
          res.on('end', () => {
            if (!res.complete) return fail(new Error('the answer was cut off'))
            if (settled) return
            settled = true
            this.inFlight--
            const text = Buffer.concat(chunks).toString('utf8')
            let json: unknown = null
            if ((res.headers['content-type'] ?? '').includes('application/json')) {
              try {
                json = JSON.parse(text)
              } catch {
                json = null
              }
            }
            this.answered++
            this.onAnswer()
            resolve({
              status: res.statusCode ?? 0,
              text,
              json,
              location: typeof res.headers.location === 'string' ? res.headers.location : null,
              headers: res.headers,
            })
          })
        },
      )
      req.on('timeout', () => req.destroy(new Error('no answer within 30 s')))
      req.on('error', fail)
      req.end(payload)
    })
  }
}
