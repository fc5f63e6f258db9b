import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { EngineError } from '../../shared/errors'
import { computeInstallmentPlan, type InstallmentPlan } from '../../shared/installments'
import { WALLETS, type WalletId } from '../../shared/wallets'
import type { Engine } from '../../engine'
import { SIMULATOR_OUTCOMES } from '../../engine/providers/simulator'
import { SimulatorBillDifferencesSchema } from '../../engine/providers/simulator/billDifferences'
import { SimulatorFaultPlanSchema } from '../../engine/providers/simulator/faults'
import { pickLocale } from '../pages/html'
import { FRIEND_CSS } from '../pages/friendPage'
import { renderSimulatorPage, SIMULATOR_CSS, type SimulatorPageState } from '../pages/simulatorPage'
import { setPageSecurityHeaders } from '../security'

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,64}$/
const OutcomeInput = z.strictObject({ outcome: z.enum(SIMULATOR_OUTCOMES) })

/** A code of one wallet opened in another wallet's app is refused, as the real apps do. */
function openedInOtherWallet(wallet: WalletId, userAgent: string | undefined): boolean {
  const ua = userAgent ?? ''
  return (Object.values(WALLETS) as { id: WalletId; userAgentMarker: string | null }[]).some(
    (info) =>
      info.userAgentMarker !== null &&
      ua.includes(info.userAgentMarker) &&
      info.userAgentMarker !== WALLETS[wallet].userAgentMarker,
  )
}

/**
 * The Huabei plan a trade was made with: its periods from the payment, the fee rate and who bears it from the
 * merchant's Huabei settings, worked out as routing works it out.
 */
async function installmentPlanOf(
  engine: Engine,
  view: { wallet: WalletId; outTradeNo: string; amountFen: number },
): Promise<InstallmentPlan | null> {
  if (!WALLETS[view.wallet].installments) return null
  const payment = await engine.invoke('payments.get', { id: view.outTradeNo })
  const periods = payment.installments
  const { wallets } = await engine.invoke('wallets.list', {})
  const huabei = wallets.find((w) => w.wallet === view.wallet)?.huabei
  if (!huabei || (periods !== 3 && periods !== 6 && periods !== 12)) return null
  return computeInstallmentPlan(
    view.amountFen,
    periods,
    huabei.feeRatesBp[String(periods) as '3' | '6' | '12'],
    huabei.feeBearer,
  )
}

/** What the simulator lets a demo stage is refused while real money flows, so it is never taken for the real thing. */
async function refuseWhileLive(engine: Engine, what: string): Promise<void> {
  const { wallets } = await engine.invoke('wallets.list', {})
  const live = wallets.filter((w) => w.accepted && w.mode === 'production').map((w) => w.wallet)
  if (live.length) {
    throw new EngineError('INVALID_STATE', `${what} is refused while wallets take real money: ${live.join(', ')}`)
  }
}

/** The simulator wallet's pages: what a phone shows after scanning one of its QR codes. */
export function registerSimulatorRoutes(app: FastifyInstance, engine: Engine): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 4096 },
    (_r, body, done) => done(null, body),
  )

  app.get('/sim/assets/wallet.css', async (_request, reply) => {
    reply.header('Content-Type', 'text/css; charset=utf-8').header('Cache-Control', 'public, max-age=3600')
    return SIMULATOR_CSS + FRIEND_CSS
  })

  async function render(request: FastifyRequest, reply: FastifyReply, state: SimulatorPageState, status = 200) {
    const locale = pickLocale((request.query as { lang?: string }).lang, request.headers['accept-language'])
    setPageSecurityHeaders(reply)
    reply.code(status).header('Content-Type', 'text/html; charset=utf-8')
    return renderSimulatorPage(state, locale)
  }

  function viewFor(request: FastifyRequest) {
    const { token } = request.params as { token: string }
    if (!TOKEN_PATTERN.test(token)) return { token, view: null }
    return { token, view: engine.simulator.pageView(token) }
  }

  app.get('/sim/pay/:token', async (request, reply) => {
    const { token, view } = viewFor(request)
    if (!view) return render(request, reply, { kind: 'not_found' }, 404)
    if (openedInOtherWallet(view.wallet, request.headers['user-agent'])) {
      return render(request, reply, { kind: 'wrong_app', wallet: view.wallet })
    }
    const result = (request.query as { result?: string }).result
    const plan = await installmentPlanOf(engine, view)
    const base = { kind: 'result', wallet: view.wallet, amountFen: view.amountFen, plan } as const
    if (view.state === 'SUCCESS') return render(request, reply, { ...base, result: 'paid' })
    // Right after a decline the engine may already have closed the trade: the customer still sees why.
    if (result === 'declined' || view.state === 'PAYERROR')
      return render(request, reply, { ...base, result: 'declined' })
    if (view.state === 'CLOSED' || view.expired) return render(request, reply, { ...base, result: 'closed' })
    if (result === 'cancelled') return render(request, reply, { ...base, result: 'cancelled' })
    const store = await engine.invoke('store.get', {})
    return render(request, reply, {
      kind: 'confirm',
      token,
      wallet: view.wallet,
      amountFen: view.amountFen,
      merchant: store.name,
      description: view.description,
      plan,
    })
  })

  app.post('/sim/pay/:token/confirm', async (request, reply) => {
    const { token, view } = viewFor(request)
    if (!view) return render(request, reply, { kind: 'not_found' }, 404)
    if (openedInOtherWallet(view.wallet, request.headers['user-agent'])) {
      return render(request, reply, { kind: 'wrong_app', wallet: view.wallet }, 403)
    }
    const outcome = engine.simulator.confirm(token)
    // The phone is told "paid" only once the wallet's books hold the payment.
    await engine.simulator.durable()
    const lang = (request.query as { lang?: string }).lang
    const query = new URLSearchParams()
    if (lang) query.set('lang', lang)
    if (outcome === 'declined') query.set('result', 'declined')
    const qs = query.toString()
    return reply.redirect(`/sim/pay/${encodeURIComponent(token)}${qs ? `?${qs}` : ''}`, 303)
  })

  app.post('/sim/pay/:token/cancel', async (request, reply) => {
    const { token, view } = viewFor(request)
    if (!view) return render(request, reply, { kind: 'not_found' }, 404)
    const lang = (request.query as { lang?: string }).lang
    const query = new URLSearchParams({ result: 'cancelled' })
    if (lang) query.set('lang', lang)
    return reply.redirect(`/sim/pay/${encodeURIComponent(token)}?${query.toString()}`, 303)
  })

  // Faults of a real wallet, on demand (token-protected like the rest of /api): never while real money flows.
  app.post('/api/simulator/faults', async (request) => {
    const parsed = SimulatorFaultPlanSchema.safeParse(request.body ?? {})
    if (!parsed.success) {
      throw new EngineError('VALIDATION_FAILED', 'send {"faults":[{"kind":…,"calls"?,"times"?,"delayMs"?}]}', {
        issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      })
    }
    await refuseWhileLive(engine, 'fault injection')
    engine.simulator.setFaults(parsed.data.faults)
    return { faults: engine.simulator.plannedFaults() }
  })

  app.get('/api/simulator/faults', async () => ({ faults: engine.simulator.plannedFaults() }))

  // Differences between the simulated wallet's books and its next bills, to rehearse reconciliation.
  app.post('/api/simulator/bills/differences', async (request) => {
    const parsed = SimulatorBillDifferencesSchema.safeParse(request.body ?? {})
    if (!parsed.success) {
      throw new EngineError('VALIDATION_FAILED', 'send {"differences":[{"kind":…,"outTradeNo"?,…}]}', {
        issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      })
    }
    await refuseWhileLive(engine, 'changing the simulated bills')
    return { differences: await engine.simulator.setBillDifferences(parsed.data.differences) }
  })

  app.get('/api/simulator/bills/differences', async () => ({ differences: engine.simulator.billDifferences() }))

  // Injectable outcomes for demos and tests (token-protected like the rest of /api).
  app.post('/api/simulator/trades/:outTradeNo/outcome', async (request) => {
    const parsed = OutcomeInput.safeParse(request.body ?? {})
    if (!parsed.success)
      throw new EngineError('VALIDATION_FAILED', `outcome must be one of ${SIMULATOR_OUTCOMES.join(', ')}`)
    const { outTradeNo } = request.params as { outTradeNo: string }
    engine.simulator.setOutcome(outTradeNo, parsed.data.outcome)
    await engine.simulator.durable()
    return { outTradeNo, outcome: parsed.data.outcome }
  })
}
