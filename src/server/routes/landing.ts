import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { WALLET_IDS, type WalletId } from '../../shared/wallets'
import type { Engine } from '../../engine'
import type { Landing } from '../../engine/payments/aggregate'
import { pickLocale } from '../pages/html'
import { renderLandingPage } from '../pages/landingPage'
import { setPageSecurityHeaders } from '../security'

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,64}$/

/** The all-wallets code (聚合码): `/pay/<token>` routes the visitor's wallet app, or lets them choose. */
export function registerLandingRoutes(app: FastifyInstance, engine: Engine): void {
  async function respond(request: FastifyRequest, reply: FastifyReply, landing: Landing, token: string) {
    if (landing.kind === 'redirect') return reply.redirect(landing.url, 302)
    const locale = pickLocale((request.query as { lang?: string }).lang, request.headers['accept-language'])
    const store = await engine.invoke('store.get', {})
    setPageSecurityHeaders(reply)
    reply.code(landing.kind === 'not_found' ? 404 : 200).header('Content-Type', 'text/html; charset=utf-8')
    return renderLandingPage(landing, token, store.name, locale)
  }

  app.get('/pay/:token', async (request, reply) => {
    const { token } = request.params as { token: string }
    const landing: Landing = TOKEN_PATTERN.test(token)
      ? await engine.aggregate.land(token, request.headers['user-agent'])
      : { kind: 'not_found' }
    return respond(request, reply, landing, token)
  })

  app.post('/pay/:token/choose', async (request, reply) => {
    const { token } = request.params as { token: string }
    const wallet = new URLSearchParams(typeof request.body === 'string' ? request.body : '').get('wallet')
    const known = (WALLET_IDS as readonly string[]).includes(wallet ?? '')
    const landing: Landing =
      TOKEN_PATTERN.test(token) && known
        ? await engine.aggregate.land(token, request.headers['user-agent'], wallet as WalletId)
        : { kind: 'not_found' }
    return respond(request, reply, landing, token)
  })
}
