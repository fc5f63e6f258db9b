import type { Engine } from '../engine'
import { buildServer, type BuildServerOptions } from './app'
import type { ConnectionLimits } from './connectionLimits'
import type { RateLimits } from './rateLimits'
import { isLoopbackHost, lanAddresses, type ServerConfig } from './config'

export interface RunningServer {
  /** Where this machine reaches the server. */
  localUrl: string
  /** Where phones reach it (QR codes point there). */
  publicBaseUrl: string
  port: number
  close(): Promise<void>
}

export interface StartServerOptions {
  engine: Engine
  config: ServerConfig
  apiToken: BuildServerOptions['apiToken']
  version: string
  consoleDir?: string
  connectionLimits?: Partial<ConnectionLimits>
  rateLimits?: Partial<RateLimits>
}

/** Starts the engine's HTTP server and points the engine's QR codes at the address phones can reach. */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { config, engine } = options
  const publicHost = new URL(config.publicBaseUrl).hostname
  const allowedHosts = new Set(['localhost', '127.0.0.1', '[::1]', publicHost, ...config.extraAllowedHosts])
  if (!isLoopbackHost(config.host)) {
    for (const address of lanAddresses()) allowedHosts.add(address)
    if (config.host !== '0.0.0.0' && config.host !== '::') allowedHosts.add(config.host)
  }
  const app = await buildServer({
    engine,
    apiToken: options.apiToken,
    version: options.version,
    allowedHosts,
    consoleDir: options.consoleDir,
    connectionLimits: options.connectionLimits,
    rateLimits: options.rateLimits,
  })
  await app.listen({ host: config.host, port: config.port })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  // With port 0 the real port is known only now.
  const publicBaseUrl = config.publicBaseUrl.replace(/:0$/, `:${port}`)
  engine.setPublicBaseUrl(publicBaseUrl)
  const localHost =
    isLoopbackHost(config.host) || config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
  let closing: Promise<void> | null = null
  return {
    localUrl: `http://${localHost}:${port}`,
    publicBaseUrl,
    port,
    close: () => (closing ??= app.close()),
  }
}

export { loadServerConfig } from './config'
