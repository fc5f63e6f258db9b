import fastifyRateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { EngineError } from '../shared/errors'

export interface RateLimit {
  max: number
  windowMs: number
}

/**
 * Requests one address may make per window on the routes anyone on the shop's Wi-Fi can reach. The console and
 * integrators with a valid token are not limited: a busy till must never be slowed down by its own server.
 */
export interface RateLimits {
  /** The friend-pay, landing and simulator pages a phone opens, with their assets. */
  phonePages: RateLimit
  /** Wallet notifications (each forged one costs a signature check). */
  notifications: RateLimit
  /** API requests without a valid token: guessing the token is throttled. */
  failedTokens: RateLimit
  /** Typing a friend-pay code (eight characters, guessable without a limit). */
  payCodes: RateLimit
  /** Anything else public: health, the API description, the console's files. */
  other: RateLimit
}

const MINUTE = 60_000

export const DEFAULT_RATE_LIMITS: RateLimits = {
  phonePages: { max: 300, windowMs: MINUTE },
  notifications: { max: 600, windowMs: MINUTE },
  failedTokens: { max: 30, windowMs: MINUTE },
  payCodes: { max: 10, windowMs: 10 * MINUTE },
  other: { max: 600, windowMs: MINUTE },
}

type Family = Exclude<keyof RateLimits, 'payCodes'>

function familyOf(route: string): Family {
  if (route === '/f' || route.startsWith('/f/') || route.startsWith('/pay/') || route.startsWith('/sim/'))
    return 'phonePages'
  if (route === '/api/notify/:provider') return 'notifications'
  if (route.startsWith('/api/') && route !== '/api/health' && route !== '/api/openapi.json') return 'failedTokens'
  return 'other'
}

const routeOf = (request: FastifyRequest): string => request.routeOptions.url ?? request.url

/**
 * Counts every request that is not the console's or an integrator's against its address and route family
 * (@fastify/rate-limit's in-memory store), before authentication, so wrong tokens are counted too. Returns the
 * check for friend-pay codes, which the code-entry page makes itself to answer with its own page.
 */
export async function registerRateLimits(
  app: FastifyInstance,
  hasValidToken: (request: FastifyRequest) => boolean,
  limits: RateLimits,
): Promise<(request: FastifyRequest) => Promise<boolean>> {
  await app.register(fastifyRateLimit, { global: false })
  const limitOf = (request: FastifyRequest): RateLimit => limits[familyOf(routeOf(request))]
  app.addHook(
    'onRequest',
    app.rateLimit({
      max: (request) => limitOf(request).max,
      timeWindow: (request) => limitOf(request).windowMs,
      keyGenerator: (request) => `${familyOf(routeOf(request))} ${request.ip}`,
      allowList: (request) => hasValidToken(request),
      errorResponseBuilder: (_request, context) =>
        new EngineError('RATE_LIMITED', `too many requests from this address: try again in ${context.after}`),
    }),
  )
  const payCodeLimit = app.createRateLimit({
    max: limits.payCodes.max,
    timeWindow: limits.payCodes.windowMs,
    keyGenerator: (request) => `payCodes ${request.ip}`,
  })
  return async (request) => {
    const result = await payCodeLimit(request)
    return result.isAllowed || !result.isExceeded
  }
}
