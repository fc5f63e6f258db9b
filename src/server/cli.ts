/**
 * Headless mode (`npm run serve`): the same engine and server as the desktop app, without Electron.
 * The console is served to any browser that has the API token.
 */
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { createEngine } from '../engine'
import { REAL_WALLET_ADAPTERS } from '../engine/providers/real'
import { createKeyFileSecretBox } from '../engine/secrets'
import { tokenAtStart, tokenNotice } from './apiTokenNotice'
import { createFileLogger } from './fileLog'
import { startServer } from './index'
import { loadServerConfig } from './config'
import { APP_VERSION } from './version'

async function main(): Promise<void> {
  const config = loadServerConfig(process.env)
  const dataDir = resolve(process.env.HUTONG_DATA_DIR?.trim() || join(homedir(), '.hutong-checkout'))
  // Secrets need an explicit opt-in here: a key file (created 0600 on first use) the operator keeps safe.
  const keyFile = process.env.HUTONG_SECRETS_KEY_FILE?.trim()
  const fileLog = await createFileLogger(join(dataDir, 'logs'))
  const engine = createEngine({
    dataDir,
    logger: fileLog.logger,
    logDir: fileLog.folder,
    publicBaseUrl: config.publicBaseUrl,
    secretBox: keyFile ? createKeyFileSecretBox(resolve(keyFile)) : null,
    adapters: REAL_WALLET_ADAPTERS,
    backups: true,
  })
  const token = tokenAtStart(config, engine.apiTokens, process.argv)
  const server = await startServer({
    engine,
    config,
    apiToken: token.check,
    version: APP_VERSION,
    consoleDir: resolve(__dirname, '../renderer'),
  })
  console.log(`Hutong Checkout ${APP_VERSION} — headless`)
  console.log(`  data:      ${dataDir}`)
  console.log(`  logs:      ${fileLog.folder}`)
  console.log(`  listening: ${server.localUrl}`)
  console.log(`  phones:    ${server.publicBaseUrl}`)
  for (const line of tokenNotice(token, server.localUrl)) console.log(line)
  console.log(`READY ${server.localUrl}`)

  let stopping = false
  const stop = async (): Promise<void> => {
    if (stopping) {
      // A second signal: stop now. Nothing unanswered is lost; what was answered is already on disk.
      console.error('Stopped before the payments under way had finished; the next start picks them up.')
      process.exit(1)
    }
    stopping = true
    console.log('Stopping: finishing the payments under way (press Ctrl-C again to stop at once)…')
    try {
      await server.close()
      await engine.close()
      await fileLog.close()
    } catch (error) {
      console.error(
        `[engine] the last changes could not be written: ${error instanceof Error ? error.message : String(error)}`,
      )
      process.exit(1)
    }
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
}

main().catch((error: unknown) => {
  console.error(`Hutong Checkout could not start: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
