// The engine and HTTP server in their own process, for the HTTP throughput benchmark.
import { createEngine } from '../../src/engine'
import { startServer } from '../../src/server'
import { loadServerConfig } from '../../src/server/config'

const engine = createEngine({ dataDir: process.env.HUTONG_DATA_DIR!, sweepIntervalMs: 0 })
const server = await startServer({
  engine,
  config: loadServerConfig({ HUTONG_HOST: '127.0.0.1', HUTONG_PORT: '0' }),
  apiToken: process.env.HUTONG_API_TOKEN!,
  version: 'bench',
})
process.send?.(server.localUrl)
process.on('SIGTERM', () => {
  void server
    .close()
    .then(() => engine.close())
    .then(() => process.exit(0))
})
