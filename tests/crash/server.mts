/**
 * The checkout as the crash harness runs it: the same engine (createEngine) behind the same HTTP server
 * (startServer) as `npm run serve`, started from the sources, so no build of the app is needed. The data folder,
 * address, port and API token come from the same variables as the headless app (HUTONG_DATA_DIR, HUTONG_HOST,
 * HUTONG_PORT, HUTONG_API_TOKEN). Two settings differ from the defaults, both to keep a run short:
 *  - QR codes stay payable for HUTONG_CRASH_PAYMENT_TTL_MS (default 15 s) instead of five minutes, so the codes
 *    left unpaid end within the run;
 *  - the phone pages are not rate-limited per address, since every simulated phone shares 127.0.0.1.
 * Prints `READY <url>` once it listens; SIGTERM stops it cleanly, as the headless app does.
 */
import { resolve } from 'node:path'
import { createEngine } from '../../src/engine'
import { startServer } from '../../src/server'
import { loadServerConfig } from '../../src/server/config'

async function main(): Promise<void> {
  const dataDir = process.env.HUTONG_DATA_DIR?.trim()
  if (!dataDir) throw new Error('HUTONG_DATA_DIR is required')
  const config = loadServerConfig(process.env)
  const apiToken = config.apiToken
  if (!apiToken) throw new Error('HUTONG_API_TOKEN is required')
  const paymentTtlMs = Number(process.env.HUTONG_CRASH_PAYMENT_TTL_MS ?? 15_000)

  const engine = createEngine({ dataDir: resolve(dataDir), publicBaseUrl: config.publicBaseUrl, paymentTtlMs })
  const server = await startServer({
    engine,
    config,
    apiToken,
    version: 'crash-harness',
    rateLimits: { phonePages: { max: 1_000_000, windowMs: 60_000 } },
  })
  console.log(`READY ${server.localUrl}`)

  let stopping = false
  process.on('SIGTERM', () => {
    if (stopping) return
    stopping = true
    void server
      .close()
      .then(() => engine.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(`stopping failed: ${error instanceof Error ? error.message : String(error)}`)
          process.exit(1)
        },
      )
  })
}

main().catch((error: unknown) => {
  console.error(`could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
  process.exit(1)
})
