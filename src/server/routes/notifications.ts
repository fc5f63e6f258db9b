import type { FastifyInstance } from 'fastify'
import { EngineError } from '../../shared/errors'
import type { Engine } from '../../engine'

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
      // Alipay expects the plain text `success` (anything else makes it retry); WeChat Pay a 2xx or a JSON FAIL.
      const alipay = provider.startsWith('alipay')
      try {
        await engine.acceptNotification(provider, { headers, body })
      } catch (error) {
        const coded = error instanceof EngineError ? error : new EngineError('NOTIFICATION_REJECTED', 'rejected')
        reply.code(coded.httpStatus)
        if (alipay) return reply.type('text/plain').send('fail')
        return { code: 'FAIL', message: coded.message, error: coded.toData() }
      }
      if (alipay) return reply.type('text/plain').send('success')
      return { code: 'SUCCESS', message: 'OK' }
    })
  })
}
