import { z } from 'zod'
import { operations, type OperationName } from '../shared/api/operations'
import { ERROR_STATUS } from '../shared/errors'
import { fileRoutePaths } from './openapiFiles'

type JsonSchema = Record<string, unknown>

/** Builds the OpenAPI 3.1 document from the same zod schemas that validate requests. */
/** Stripe's semantics: the same key and request replay the first answer (with `Idempotent-Replayed: true`). */
const IDEMPOTENCY_KEY_HEADER = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Any unique string (1–255 printable ASCII characters). A retry with the same key and the same request gets the first answer, kept 24 hours; the same key with another request is IDEMPOTENCY_KEY_REUSED (422); a duplicate while the first runs is IDEMPOTENCY_IN_PROGRESS (409).',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
}

export function buildOpenApiDocument(version: string): Record<string, unknown> {
  const components: Record<string, JsonSchema> = {
    Error: {
      type: 'object',
      required: ['error'],
      properties: {
        error: {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: { type: 'string', enum: Object.keys(ERROR_STATUS) },
            message: { type: 'string' },
            details: {},
          },
        },
      },
    },
  }

  function convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema
    const defs = (json.$defs ?? {}) as Record<string, JsonSchema>
    delete json.$defs
    delete json.$schema
    for (const [id, def] of Object.entries(defs)) components[id] ??= relink(def)
    return relink(json)
  }

  const paths: Record<string, Record<string, unknown>> = {}
  for (const [name, op] of Object.entries(operations) as [OperationName, (typeof operations)[OperationName]][]) {
    const pathParams = [...op.http.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)
    const input = convert(op.input, 'input')
    const properties = { ...((input.properties ?? {}) as Record<string, JsonSchema>) }
    const required = new Set((input.required ?? []) as string[])
    const parameters: unknown[] = pathParams.map((param) => ({
      name: param,
      in: 'path',
      required: true,
      schema: properties[param] ?? findProperty(input, param) ?? { type: 'string' },
    }))
    for (const param of pathParams) {
      delete properties[param]
      required.delete(param)
    }
    const operation: Record<string, unknown> = {
      operationId: name,
      summary: op.summary,
      security: [{ bearer: [] }],
      responses: {
        [String('status' in op.http ? op.http.status : 200)]: {
          description: 'Success',
          content: { 'application/json': { schema: convert(op.output, 'output') } },
        },
        '4XX': {
          description: 'Coded error',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    }
    if (op.http.method === 'GET') {
      for (const [key, schema] of Object.entries(properties)) {
        parameters.push({ name: key, in: 'query', required: required.has(key), schema })
      }
    } else if (input.anyOf || input.oneOf) {
      const body = withoutProperties(input, pathParams)
      operation.requestBody = { required: true, content: { 'application/json': { schema: body } } }
    } else {
      operation.requestBody = {
        required: true,
        content: {
          'application/json': {
            schema: { ...input, properties, required: [...required] },
          },
        },
      }
    }
    if ('rawBody' in op.http) documentRawBody(operation, parameters, op.http.rawBody, properties, required)
    if (op.http.method !== 'GET') parameters.push(IDEMPOTENCY_KEY_HEADER)
    if (parameters.length) operation.parameters = parameters
    const path = (paths[op.http.path] ??= {})
    path[op.http.method.toLowerCase()] = operation
  }

  Object.assign(paths, fileRoutePaths())
  paths['/api/health'] = {
    get: {
      operationId: 'health',
      summary: 'Liveness; needs no token',
      security: [],
      responses: {
        '200': {
          description: 'Up',
          content: {
            'application/json': {
              schema: { type: 'object', properties: { ok: { const: true }, version: { type: 'string' } } },
            },
          },
        },
      },
    },
  }
  paths['/api/events'] = {
    get: {
      operationId: 'events',
      summary:
        'Server-sent events: every engine event as `data: <EngineEvent JSON>` with `id: <seq>`; honours Last-Event-ID',
      responses: { '200': { description: 'Event stream', content: { 'text/event-stream': {} } } },
    },
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Hutong Checkout integrator API',
      version,
      description:
        'Local HTTP API of the Hutong Checkout engine. Amounts are integer fen. Errors are {"error":{"code","message"}} with a 4xx/5xx status.',
    },
    components: { schemas: components, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  }
}

function relink(schema: JsonSchema): JsonSchema {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema
}

/** A union's variants without the given (path) properties. */
function withoutProperties(schema: JsonSchema, names: string[]): JsonSchema {
  const key = schema.oneOf ? 'oneOf' : schema.anyOf ? 'anyOf' : null
  if (key)
    return { ...schema, [key]: (schema[key] as JsonSchema[]).map((variant) => withoutProperties(variant, names)) }
  const properties = { ...((schema.properties ?? {}) as Record<string, JsonSchema>) }
  for (const name of names) delete properties[name]
  const required = ((schema.required ?? []) as string[]).filter((r) => !names.includes(r))
  return { ...schema, properties, required }
}

function findProperty(schema: JsonSchema, name: string): JsonSchema | undefined {
  const variants = (schema.oneOf ?? schema.anyOf ?? []) as JsonSchema[]
  for (const variant of variants) {
    const found = (variant.properties as Record<string, JsonSchema> | undefined)?.[name]
    if (found) return found
  }
  return undefined
}

/** A file body (a bill): sent as itself, with the other fields in the query; JSON with the file in base64 also works. */
function documentRawBody(
  operation: Record<string, unknown>,
  parameters: unknown[],
  types: readonly string[],
  properties: Record<string, JsonSchema>,
  required: Set<string>,
): void {
  const body = operation.requestBody as { content: Record<string, unknown> }
  for (const type of types) body.content[type] = { schema: { type: 'string', format: 'binary' } }
  for (const [key, schema] of Object.entries(properties)) {
    if (key === 'fileBase64' || key === 'uploadId') continue
    parameters.push({ name: key, in: 'query', required: required.has(key), schema })
  }
}
