import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { operations, type OperationName } from '../../shared/api/operations'
import { EngineError } from '../../shared/errors'
import type { Engine } from '../../engine'
import { buildOpenApiDocument } from '../openapi'

/**
 * A staff member signed in at a console in a browser sends the session token beside the API token: the request
 * then acts as that member; without it, as the integrator token's principal.
 */
export const SESSION_HEADER = 'x-hutong-session'

const RAW_BODY_TYPES = [
  ...new Set(Object.values(operations).flatMap((op) => ('rawBody' in op.http ? op.http.rawBody : []))),
]

/**
 * A file sent as the body: saved as it streams in (never held whole), then named in the operation's input; the
 * file is gone afterwards whatever the outcome.
 */
async function rawBodyInput(
  engine: Engine,
  body: Readable,
  fields: Record<string, unknown>,
  run: (input: Record<string, unknown>) => Promise<unknown>,
): Promise<unknown> {
  const uploadId = await engine.bills.receive(body)
  try {
    return await run({ ...fields, uploadId })
  } finally {
    engine.bills.discard(uploadId)
  }
}

export function sessionHeader(value: string | string[] | undefined): string | null {
  if (value === undefined) return null
  if (Array.isArray(value) || value.length === 0 || value.length > 200) {
    throw new EngineError('SESSION_EXPIRED', 'the session header is malformed: sign in again')
  }
  return value
}

/** Serves every contract operation over HTTP: path params and query/body are merged into one input. */
export function registerApiRoutes(app: FastifyInstance, engine: Engine, version: string): void {
  app.get('/api/health', async () => ({ ok: true, version }))

  const openApi = buildOpenApiDocument(version)
  app.get('/api/openapi.json', async () => openApi)

  // A bill file arrives as the body itself; it streams to disk instead of being parsed (see rawBodyInput).
  app.addContentTypeParser(RAW_BODY_TYPES, (_request, payload, done) => done(null, payload))

  for (const [name, op] of Object.entries(operations) as [OperationName, (typeof operations)[OperationName]][]) {
    const url = op.http.path.replace(/\{(\w+)\}/g, ':$1')
    app.route({
      method: op.http.method,
      url,
      handler: async (request, reply) => {
        const params = request.params as Record<string, string>
        // A paired device is a console: it acts for the member signed in on it, never as the integrator.
        const caller = { session: sessionHeader(request.headers[SESSION_HEADER]), integration: request.device === null }
        if (request.body instanceof Readable) {
          if (!('rawBody' in op.http)) throw new EngineError('VALIDATION_FAILED', 'the request body must be JSON')
          reply.code(op.http.status ?? 200)
          return rawBodyInput(engine, request.body, { ...(request.query as object), ...params }, (input) =>
            engine.invokeUntrusted(name, input, caller),
          )
        }
        let input: Record<string, unknown>
        if (op.http.method === 'GET') {
          input = { ...(request.query as Record<string, unknown>), ...params }
        } else {
          const body = request.body ?? {}
          if (typeof body !== 'object' || Array.isArray(body)) {
            throw new EngineError('VALIDATION_FAILED', 'the request body must be a JSON object')
          }
          const query = 'rawBody' in op.http ? (request.query as Record<string, unknown>) : {}
          input = { ...query, ...(body as Record<string, unknown>), ...params }
        }
        const key = request.headers['idempotency-key']
        reply.code('status' in op.http ? op.http.status : 200)
        if (op.http.method === 'GET' || key === undefined) return engine.invokeUntrusted(name, input, caller)
        const { output, replayed } = await engine.invokeIdempotent(
          Array.isArray(key) ? key.join(',') : key,
          name,
          input,
          caller,
        )
        if (replayed) reply.header('Idempotent-Replayed', 'true')
        return output
      },
    })
  }
}
