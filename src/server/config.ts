import { networkInterfaces } from 'node:os'

export interface ServerConfig {
  host: string
  port: number
  /** The base URL phones use to reach this server (QR codes point there). */
  publicBaseUrl: string
  /** From HUTONG_API_TOKEN; when absent the engine's stored token is used (generated on first run). */
  apiToken: string | null
  /** Extra Host header names accepted besides loopback, the LAN addresses and the public URL. */
  extraAllowedHosts: string[]
}

export const DEFAULT_PORT = 5170

export function isLoopbackHost(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host.startsWith('127.')
}

/** Non-internal IPv4 addresses of this machine, the ones a phone on the same Wi-Fi can reach. */
export function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((info) => info !== undefined && info.family === 'IPv4' && !info.internal)
    .map((info) => info!.address)
}

export function loadServerConfig(env: NodeJS.ProcessEnv): ServerConfig {
  const host = env.HUTONG_HOST?.trim() || '127.0.0.1'
  const rawPort = env.HUTONG_PORT?.trim()
  const port = rawPort === undefined || rawPort === '' ? DEFAULT_PORT : Number(rawPort)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`HUTONG_PORT must be a port number (0–65535), got "${rawPort}"`)
  }
  return {
    host,
    port,
    publicBaseUrl: resolvePublicBaseUrl(host, port, env.HUTONG_PUBLIC_URL),
    apiToken: env.HUTONG_API_TOKEN?.trim() || null,
    extraAllowedHosts: (env.HUTONG_ALLOWED_HOSTS ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  }
}

/**
 * HUTONG_PUBLIC_URL wins; a server listening on every interface is reached through its LAN address;
 * a loopback-only server can only be reached from this machine.
 */
export function resolvePublicBaseUrl(host: string, port: number, publicUrl: string | undefined): string {
  if (publicUrl?.trim()) {
    const url = new URL(publicUrl.trim())
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('HUTONG_PUBLIC_URL must be http(s)')
    return url.origin
  }
  if (host === '0.0.0.0' || host === '::') {
    const lan = lanAddresses()[0]
    return `http://${lan ?? '127.0.0.1'}:${port}`
  }
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`
}
