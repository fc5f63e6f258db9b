import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { EngineError } from '../../shared/errors'
import { WALLET_IDS, type WalletId } from '../../shared/wallets'
import type { Engine } from '../../engine'
import { pickLocale } from '../pages/html'
import { COUNTDOWN_JS, renderFriendPage, type FriendView, type WrongAnswer } from '../pages/friendPage'
import { setPageSecurityHeaders } from '../security'

const FRIEND_PAGE_CSP =
  "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

/**
 * The friend's pages: `/f/<id>.<secret>` (the share link), `/f` (enter a pay code), verification and
 * the choice of wallet. Everything shown comes from the engine; nothing the page sends is trusted.
 */
export function registerFriendPayRoutes(
  app: FastifyInstance,
  engine: Engine,
  // Pay codes are short: guessing is throttled per client address (see rateLimits).
  payCodeAllowed: (request: FastifyRequest) => Promise<boolean>,
): void {
  async function render(request: FastifyRequest, reply: FastifyReply, view: FriendView, status = 200) {
    const locale = pickLocale((request.query as { lang?: string }).lang, request.headers['accept-language'])
    const store = await engine.invoke('store.get', {})
    setPageSecurityHeaders(reply)
    reply.header('Content-Security-Policy', FRIEND_PAGE_CSP)
    reply.code(status).header('Content-Type', 'text/html; charset=utf-8')
    return renderFriendPage(view, store.name, locale)
  }

  function form(request: FastifyRequest): URLSearchParams {
    return new URLSearchParams(typeof request.body === 'string' ? request.body : '')
  }

  function stateView(ref: string, proof: string | null, wrong: WrongAnswer | null): FriendView {
    const state = engine.friendPay.pageState(ref)
    switch (state.kind) {
      case 'open':
        return { kind: 'open', ref, page: state.page, proof, wrong }
      case 'paid':
        return { kind: 'paid', page: state.page, paidWallet: state.paidWallet }
      default:
        return { kind: state.kind }
    }
  }

  app.get('/f/assets/countdown.js', async (_request, reply) => {
    reply.header('Content-Type', 'text/javascript; charset=utf-8').header('Cache-Control', 'public, max-age=3600')
    return COUNTDOWN_JS
  })

  app.get('/f', async (request, reply) => render(request, reply, { kind: 'code_entry', error: null }))

  app.post('/f/code', async (request, reply) => {
    if (!(await payCodeAllowed(request))) return render(request, reply, { kind: 'code_entry', error: 'limited' }, 429)
    const typed = (form(request).get('code') ?? '').slice(0, 40)
    const found = engine.friendPay.findByPayCode(typed)
    if (!found) return render(request, reply, { kind: 'code_entry', error: 'wrong', code: typed }, 404)
    const lang = (request.query as { lang?: string }).lang
    return reply.redirect(`${engine.friendPay.linkOf(found)}${lang ? `?lang=${encodeURIComponent(lang)}` : ''}`, 303)
  })

  app.get('/f/:ref', async (request, reply) => {
    const { ref } = request.params as { ref: string }
    const view = stateView(ref, null, null)
    return render(request, reply, view, view.kind === 'not_found' ? 404 : 200)
  })

  app.post('/f/:ref/verify', async (request, reply) => {
    const { ref } = request.params as { ref: string }
    const answer = (form(request).get('answer') ?? '').slice(0, 40)
    let result
    try {
      result = engine.friendPay.verify(ref, answer)
    } catch (error) {
      // An unknown, ended or expired link: the page says so, nothing changed. Anything else is a real failure.
      if (!(error instanceof EngineError && error.code === 'FRIEND_PAY_NOT_FOUND')) throw error
      return render(request, reply, stateView(ref, null, null), 404)
    }
    if (result.ok) return render(request, reply, stateView(ref, result.proof, null))
    if (result.locked) return render(request, reply, { kind: 'locked' }, 423)
    return render(request, reply, stateView(ref, null, { triesLeft: result.triesLeft, answer }), 403)
  })

  app.post('/f/:ref/pay', async (request, reply) => {
    const { ref } = request.params as { ref: string }
    const body = form(request)
    const wallet = body.get('wallet') ?? ''
    if (!(WALLET_IDS as readonly string[]).includes(wallet))
      return render(request, reply, stateView(ref, null, null), 400)
    try {
      const url = await engine.friendPay.pay(ref, wallet as WalletId, body.get('proof') ?? undefined)
      return reply.redirect(url, 303)
    } catch (error) {
      const code = error instanceof EngineError ? error.code : 'INTERNAL'
      return render(request, reply, stateView(ref, null, null), code === 'VERIFICATION_FAILED' ? 403 : 409)
    }
  })
}
