import type { FastifyInstance } from 'fastify'
import { EngineError } from '../../shared/errors'
import type { Engine } from '../../engine'
import { providerOfKey } from '../../shared/providers'
import { jsonNotificationReply, type NotificationOutcome } from '../../shared/providers/facts'

/**
 * Wallet notifications arrive here, raw: the body must be verified byte for byte before it is parsed.
 * Answers in the shape the wallets expect; a rejected notification changes nothing.
 */
export function registerNotificationRoutes(app: FastifyInstance, engine: Engine): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) =>
      done(null, body),
    )
    scope.post('/api/notify/:provider', async (request, reply) => {
      const { provider } = request.params as { provider: string }
      const headers: Record<string, string | undefined> = {}
      for (const [key, value] of Object.entries(request.headers)) headers[key] = Array.isArray(value) ? value[0] : value
      const body = typeof request.body === 'string' ? request.body : ''
      // Each wallet wants its own answer (WeChat Pay JSON, Alipay `success`…); the simulator answers like WeChat Pay.
      const answerWith = providerOfKey(provider)?.notificationReply ?? jsonNotificationReply
      let outcome: NotificationOutcome = { ok: true }
      try {
        await engine.acceptNotification(provider, { headers, body, source: request.ip })
      } catch (error) {
        const coded = error instanceof EngineError ? error : new EngineError('NOTIFICATION_REJECTED', 'rejected')
        outcome = { ok: false, status: coded.httpStatus, code: coded.code, message: coded.message }
      }
      const answer = answerWith(outcome)
      return reply.code(answer.status).type(answer.contentType).send(answer.body)
    })
  })
}
