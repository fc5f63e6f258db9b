import { existsSync } from 'node:fs'
import type { Device } from '../shared/api/types'
import { STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import fastifyStatic from '@fastify/static'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { CONSOLE_CSP } from '../shared/consolePolicy'
import { EngineError, toErrorData } from '../shared/errors'
import type { Engine } from '../engine'
import { createLimitedServer, DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from './connectionLimits'
import { DEFAULT_RATE_LIMITS, registerRateLimits, type RateLimits } from './rateLimits'
import { registerApiRoutes } from './routes/api'
import { registerExportRoutes } from './routes/exports'
import { registerDisplayRoutes, registerEventRoutes } from './routes/events'
import { registerFriendPayRoutes } from './routes/friendPay'
import { registerLandingRoutes } from './routes/landing'
import { registerNotificationRoutes } from './routes/notifications'
import { registerSimulatorRoutes } from './routes/simulator'
import { escapeHtml, pageShell, pickLocale, type PageLocale } from './pages/html'
import { bearerToken, createHostGuard, secretsEqual, setPageSecurityHeaders } from './security'

export interface BuildServerOptions {
  engine: Engine
  /** The integrator token: a fixed one (HUTONG_API_TOKEN, tests), or the engine's stored hash. */
  apiToken: string | { matches(presented: string): boolean }
  version: string
  /** Host names the server answers to (others are refused: DNS-rebinding guard). */
  allowedHosts: Iterable<string>
  /** The built console (renderer) to serve at `/`, for a browser at a second till. */
  consoleDir?: string
  /** Timeouts and the per-address connection cap (defaults: DEFAULT_CONNECTION_LIMITS). */
  connectionLimits?: Partial<ConnectionLimits>
  /** Requests per address on public routes (defaults: DEFAULT_RATE_LIMITS). */
  rateLimits?: Partial<RateLimits>
}

const BODY_LIMIT = 64 * 1024
/** Routes under /api that need no bearer token: health, the API description, wallet notifications (signed). */
const PUBLIC_API_ROUTES = new Set(['/api/health', '/api/openapi.json', '/api/notify/:provider', '/api/pairing/redeem'])

declare module 'fastify' {
  interface FastifyRequest {
    /** The paired till or display whose own credential came with the request; null for the integrator token. */
    device: Device | null
  }
}

const FASTIFY_ERRORS: Record<string, EngineError> = {
  FST_ERR_CTP_INVALID_JSON_BODY: new EngineError('MALFORMED_JSON', 'the request body is not valid JSON'),
  FST_ERR_CTP_EMPTY_JSON_BODY: new EngineError('MALFORMED_JSON', 'the request body is empty'),
  FST_ERR_CTP_BODY_TOO_LARGE: new EngineError('PAYLOAD_TOO_LARGE', `the request body exceeds ${BODY_LIMIT} bytes`),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: new EngineError('VALIDATION_FAILED', 'send the request body as application/json'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: new EngineError('VALIDATION_FAILED', 'invalid Content-Length'),
  FST_ERR_ROUTE_MISSING_CONTENT_TYPE: new EngineError('VALIDATION_FAILED', 'this method needs a Content-Type header'),
  // The request stream ended early: its client went away, or the server cut it off (see connectionLimits).
  ECONNRESET: new EngineError('REQUEST_TIMEOUT', 'the request was cut off before it arrived'),
}

/**
 * Errors Node finds before a request reaches Fastify (a request not in within the time limit, headers too large,
 * an unreadable request line), answered in our shape on the raw socket, which is then closed.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const coded =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? new EngineError('REQUEST_TIMEOUT', 'the request did not arrive within the time limit')
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? new EngineError('PAYLOAD_TOO_LARGE', 'the request headers are too large')
        : new EngineError('VALIDATION_FAILED', 'the request is not valid HTTP')
  // A HEAD answer has no body (the request line is in the raw bytes Node could not parse further).
  const head = (error as { rawPacket?: Buffer }).rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD '
  const body = head ? '' : JSON.stringify({ error: toErrorData(coded) })
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${coded.httpStatus} ${STATUS_CODES[coded.httpStatus]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Cache-Control: no-store\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  }
  socket.destroy()
}

function hostHeaderCount(rawHeaders: string[]): number {
  let count = 0
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === 'host') count++
  return count
}

function isPhonePage(route: string): boolean {
  return route === '/f' || route.startsWith('/f/') || route.startsWith('/pay/') || route.startsWith('/sim/pay/')
}

function errorPage(locale: PageLocale): string {
  const [title, hint] =
    locale === 'en-US'
      ? ['Something went wrong', 'Please go back and try again, or ask the cashier.']
      : ['出错了', '请返回重试，或联系收银员。']
  return pageShell({
    locale,
    title,
    bodyClass: 'landing',
    body: `<main><section class="card message fail"><div class="message-icon" aria-hidden="true"></div><h1>${escapeHtml(title)}</h1><p class="hint">${escapeHtml(hint)}</p></section></main>`,
  })
}

export async function buildServer(options: BuildServerOptions): Promise<FastifyInstance> {
  const { engine } = options
  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...options.connectionLimits }
  const app = Fastify({
    serverFactory: (handler) => createLimitedServer(limits, handler),
    clientErrorHandler: answerClientError,
    logger: false,
    bodyLimit: BODY_LIMIT,
    forceCloseConnections: true,
    routerOptions: { maxParamLength: 200 },
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // A path the router cannot read (bad percent-encoding, a segment over the length limit) is the client's
    // mistake, answered in the same shape as every other error.
    frameworkErrors: (error, _request, reply) => {
      const coded =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new EngineError('VALIDATION_FAILED', 'a part of the path is longer than 200 characters')
          : new EngineError('VALIDATION_FAILED', 'the path is not a valid URL')
      void (reply as FastifyReply)
        .code(coded.httpStatus)
        .header('Cache-Control', 'no-store')
        .send({ error: toErrorData(coded) })
    },
  })
  // An action that takes no input may come with `Content-Type: application/json` and no body (curl and many HTTP
  // libraries send it so): that is no input, not malformed JSON. Anything else is parsed as before (with the
  // prototype-poisoning checks above).
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8')
    if (text.trim() === '') return done(null, undefined)
    return parseJson(request, text, done)
  })
  const hostAllowed = createHostGuard(options.allowedHosts)
  const { apiToken } = options
  const tokenMatches =
    typeof apiToken === 'string' ? (token: string) => secretsEqual(token, apiToken) : apiToken.matches
  /** The integrator token, or a paired device's own credential (remembered on the request). */
  const hasValidToken = (request: FastifyRequest): boolean => {
    // The rate limiter and the authentication both ask: a device's credential is looked up once per request.
    if (request.device !== null) return true
    const token = bearerToken(request.headers.authorization)
    if (token === null) return false
    if (tokenMatches(token)) return true
    request.device = engine.deviceOfToken(token)
    return request.device !== null
  }
  const payCodeAllowed = await registerRateLimits(app, hasValidToken, {
    ...DEFAULT_RATE_LIMITS,
    ...options.rateLimits,
  })
  // No answer leaves before what its request wrote is on disk (the engine group-commits; see its event log).
  const durabilityMarks = new WeakMap<FastifyRequest, number>()

  app.decorateRequest('device', null)
  app.addHook('onRequest', async (request, reply) => {
    durabilityMarks.set(request, engine.events.mark())
    if (hostHeaderCount(request.raw.rawHeaders) > 1) {
      throw new EngineError('VALIDATION_FAILED', 'a request has one Host header (RFC 9112)')
    }
    if (!hostAllowed(request.headers.host)) {
      reply.code(403)
      throw new EngineError('FORBIDDEN_HOST', 'unknown Host header')
    }
    // Decide by the route Fastify matched, never by the raw URL: `/%61pi/orders` decodes to an /api route.
    const route = request.routeOptions.url ?? ''
    if (route.startsWith('/api/') && !PUBLIC_API_ROUTES.has(route)) {
      if (!hasValidToken(request)) {
        throw new EngineError('UNAUTHORIZED', 'missing or wrong API token (Authorization: Bearer <token>)')
      }
    }
  })

  app.addHook('onSend', async (request, _reply, payload) => {
    const mark = durabilityMarks.get(request)
    if (mark === undefined) return payload
    durabilityMarks.delete(request)
    await engine.events.durable(mark)
    return payload
  })

  app.setErrorHandler((error, request, reply) => {
    const known = error instanceof EngineError ? error : FASTIFY_ERRORS[(error as { code?: string }).code ?? '']
    const coded = known ?? new EngineError('INTERNAL', 'Internal error')
    if (!known) console.error('[server] unexpected error:', (error as Error).message)
    // An error found after the handler answered (e.g. a lost commit) must not carry the redirect it had set.
    reply.removeHeader('location')
    reply.code(coded.httpStatus).header('Cache-Control', 'no-store')
    // Phones on the friend, landing and simulator pages get a page, not JSON.
    if (isPhonePage(request.routeOptions.url ?? '')) {
      const locale = pickLocale(undefined, request.headers['accept-language'])
      setPageSecurityHeaders(reply)
      return reply.type('text/html; charset=utf-8').send(errorPage(locale))
    }
    reply.send({ error: toErrorData(coded) })
  })

  app.setNotFoundHandler((_request, reply) => {
    reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'no such route' } })
  })

  registerApiRoutes(app, engine, options.version)
  registerExportRoutes(app, engine)
  registerEventRoutes(app, engine)
  registerDisplayRoutes(app, engine)
  registerNotificationRoutes(app, engine)
  registerSimulatorRoutes(app, engine)
  registerLandingRoutes(app, engine)
  registerFriendPayRoutes(app, engine, payCodeAllowed)

  if (options.consoleDir && existsSync(options.consoleDir)) {
    await app.register(fastifyStatic, {
      root: options.consoleDir,
      prefix: '/',
      index: ['index.html'],
      setHeaders: (res, file) => {
        res.header('X-Content-Type-Options', 'nosniff')
        res.header('Referrer-Policy', 'no-referrer')
        res.header('X-Frame-Options', 'DENY')
        if (file.endsWith('.html')) {
          res.header('Cache-Control', 'no-store')
          res.header('Content-Security-Policy', CONSOLE_CSP)
        }
      },
    })
  }
  return app
}
