import { timingSafeEqual, createHash } from 'node:crypto'
import type { FastifyReply } from 'fastify'

/** Compares secrets in constant time (hashing first so lengths leak nothing either). */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}

export function bearerToken(header: string | undefined): string | null {
  if (!header) return null
  const match = /^Bearer\s+(\S+)$/i.exec(header)
  return match ? match[1]! : null
}

/** Host names (lower case, without port) this server answers to: a guard against DNS rebinding. */
export function createHostGuard(allowed: Iterable<string>): (hostHeader: string | undefined) => boolean {
  const names = new Set([...allowed].map((h) => h.toLowerCase()))
  return (hostHeader) => {
    if (!hostHeader) return false
    const name = hostHeader.startsWith('[')
      ? hostHeader.slice(0, hostHeader.indexOf(']') + 1)
      : hostHeader.split(':')[0]!
    return names.has(name.toLowerCase())
  }
}

/** Headers for every HTML page the server renders itself (simulator, landing pages). */
export function setPageSecurityHeaders(reply: FastifyReply): void {
  reply
    .header(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    )
    .header('Referrer-Policy', 'no-referrer')
    .header('Cache-Control', 'no-store')
    .header('X-Content-Type-Options', 'nosniff')
    .header('X-Frame-Options', 'DENY')
}
