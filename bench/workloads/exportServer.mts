// The engine and HTTP server in their own process for the export benchmark: it answers its memory on request.
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
process.on('message', (message) => {
  if (message === 'rss') process.send?.({ rss: process.memoryUsage().rss })
  if (message === 'stop') {
    void server
      .close()
      .then(() => engine.close())
      .then(() => process.exit(0))
  }
})
process.send?.({ url: server.localUrl })
