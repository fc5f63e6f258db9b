import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'

export const OUT = join(process.cwd(), 'out')

export interface BenchServe {
  base: string
  token: string
  stop(): void
}

/** The built headless app (`npm run serve`) on a fresh data folder and a free-ish port. */
export async function startBenchServe(env: Record<string, string> = {}): Promise<BenchServe> {
  const dir = mkdtempSync(join(tmpdir(), 'hutong-bench-ui-'))
  const port = 5300 + Math.floor(Math.random() * 500)
  const token = 'bench-ui-token'
  const child: ChildProcess = spawn(process.execPath, [join(OUT, 'main', 'serve.js')], {
    env: { ...process.env, HUTONG_DATA_DIR: dir, HUTONG_PORT: String(port), HUTONG_API_TOKEN: token, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  await new Promise<void>((resolve, reject) => {
    let text = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString()
      if (text.includes('READY')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`serve exited ${code}`)))
  })
  return {
    base: `http://127.0.0.1:${port}`,
    token,
    stop() {
      // The folder goes once the app has shut down: it backs the books up on its way out.
      const remove = () => rmSync(dir, { recursive: true, force: true })
      if (child.exitCode !== null || child.signalCode !== null) return remove()
      child.once('exit', remove)
      child.kill('SIGTERM')
    },
  }
}

export function launchBenchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
}
