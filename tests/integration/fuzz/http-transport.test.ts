import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { OperationName } from '../../../src/shared/api/operations'
import { TEST_TOKEN, testServer } from '../../support/server'
import { deeplyNested, hugeString, oddString, REJECTED_KEY, unknownId, withKey } from './arbitraries'
import {
  classify,
  createClient,
  createTally,
  databaseDigest,
  encodeSegment,
  expectCodedError,
  expectPrototypeUntouched,
  fuzzSeed,
  OPERATIONS,
  runs,
  seedRecords,
  sendRaw,
  watchBooks,
  type Answer,
  type HttpRequest,
} from './harness'

/**
 * The HTTP layer in front of the contract: odd paths, odd methods, every content type with malformed and empty
 * bodies, and request lines no HTTP client would send. Requests name no existing record and carry no valid
 * change, so every answer is a coded error (or a read), never a 5xx, and the books stay as they were.
 */

// A failing property shrinks its case before it reports, which can take a while.
vi.setConfig({ testTimeout: runs(60_000) })
const { tally, summary } = createTally('HTTP transport')

let s: Awaited<ReturnType<typeof testServer>>
let client: ReturnType<typeof createClient>
let books: ReturnType<typeof watchBooks>

beforeAll(async () => {
  s = await testServer()
  client = createClient(s.base, await s.signIn('owner'))
  await seedRecords(s.engine)
  books = watchBooks(s.engine.db)
})

afterAll(async () => {
  console.log(summary())
  client?.close()
  await s?.dispose()
})

// ---- requests ----

const WALLET_PARAMS = ['wechat', 'alipay', 'huabei', 'unionpay', 'cash', 'WECHAT', 'nope']

interface FilledPath {
  name: OperationName
  method: string
  path: string
  /** A change its path alone asks for (such as taking a backup): an empty body would make it. */
  runsWithoutBody: boolean
}

/** An operation's path with its parameters filled by ids of nothing (or wallet names). */
const filledPath: fc.Arbitrary<FilledPath> = fc
  .tuple(fc.constantFrom(...OPERATIONS), unknownId, fc.constantFrom(...WALLET_PARAMS))
  .map(([[name, op], id, wallet]) => {
    const params: Record<string, string> = {}
    const path = op.http.path.replace(/\{(\w+)\}/g, (_, key: string) => {
      params[key] = key === 'wallet' ? wallet : id
      return encodeSegment(params[key])
    })
    return { name, method: op.http.method, path, runsWithoutBody: classify(op, params, new Set()) === null }
  })

/** Paths of operations that need a body to do anything. */
const pathNeedingBody = filledPath.filter((p) => !p.runsWithoutBody)

function atSlash(path: string, index: number, insert: (rest: string) => string): string {
  const slashes = [...path.matchAll(/\//g)].map((m) => m.index)
  const at = slashes[index % slashes.length] ?? 0
  return path.slice(0, at) + insert(path.slice(at))
}

/** One change to a path that a careless or hostile client might make. */
const pathDamage: fc.Arbitrary<(path: string) => string> = fc.oneof(
  fc.nat().map((i) => (p: string) => atSlash(p, i, (rest) => `/${rest}`)),
  fc.nat().map((i) => (p: string) => atSlash(p, i, (rest) => `/.${rest}`)),
  fc.tuple(fc.nat(), fc.constantFrom('/..', '/%2e%2e', '/%2E%2E', '/.%2e', '/%2e.', '/..%2f', '/%2e%2e%5c')).map(
    ([i, dots]) =>
      (p: string) =>
        atSlash(p, i, (rest) => dots + rest),
  ),
  fc.tuple(fc.nat(), fc.constantFrom('%00', '%', '%zz', '%c0%ae', '%ff', '%uD800', '%e0%80', '%2F', '%5C', '\\')).map(
    ([i, junk]) =>
      (p: string) =>
        atSlash(p, i, (rest) => `/${junk}${rest.slice(1)}`),
  ),
  fc.tuple(fc.nat(), fc.integer({ min: 150, max: 20_000 }), fc.constantFrom('a', '%41', '%E7%95%8C', '.')).map(
    ([i, n, unit]) =>
      (p: string) =>
        atSlash(p, i, (rest) => `/${unit.repeat(n)}${rest}`),
  ),
  fc.constantFrom(
    (p: string) => `${p}/`,
    (p: string) => `${p}//`,
    (p: string) => `${p}/.`,
    (p: string) => `${p}%00`,
    (p: string) => `${p}%20`,
    (p: string) => `${p};jsessionid=1`,
    (p: string) => `${p}#fragment`,
    (p: string) => `${p}?`,
    (p: string) => `${p}?%`,
    (p: string) => `${p}?a=%zz&&&=&a`,
    (p: string) => `${p}?${'limit=1&'.repeat(2_000)}`,
    (p: string) => `${p}?limit[]=1&limit[a]=2`,
    (p: string) => `${p}?__proto__=x&constructor=y`,
    (p: string) => p.toUpperCase(),
    (p: string) => p.replace('/api/', '/%61pi/'),
    (p: string) => p.replace('/api/', '/API/'),
    (p: string) => p.replaceAll('/', '%2F'),
    (p: string) => p.replaceAll('/', '\\'),
    (p: string) => `http://127.0.0.1${p}`,
    (p: string) => `//evil.example${p}`,
    (p: string) => `${p}\u00ff\u00e9`,
    (p: string) => p.slice(1),
    () => '*',
    () => '/',
    () => '/api',
    () => '/api/',
    () => '/api/%00',
  ),
)

const oddPath: fc.Arbitrary<{ path: string }> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(filledPath, fc.array(pathDamage, { minLength: 1, maxLength: 3 }))
      .map(([{ path }, damages]) => ({ path: damages.reduce((p, d) => d(p), path) })),
  },
  { weight: 1, arbitrary: oddString.map((text) => ({ path: `/${encodeSegment(text)}` })) },
)

/** A JSON object body that no operation takes (it carries a field no schema has). */
const rejectedJsonBody: fc.Arbitrary<string> = fc
  .tuple(fc.jsonValue({ maxDepth: 2 }), fc.jsonValue({ maxDepth: 1 }))
  .map(([value, extra]) =>
    JSON.stringify(
      withKey(
        typeof value === 'object' && value !== null && !Array.isArray(value) ? value : { value },
        REJECTED_KEY,
        extra,
      ),
    ),
  )

const CONTENT_TYPES = [
  null,
  '',
  'application/json',
  'application/json; charset=utf-8',
  'application/json;charset=UTF-8',
  'application/json; charset=iso-8859-1',
  'application/json; charset=utf-16le',
  'application/json; charset="utf-8"; boundary=x',
  'APPLICATION/JSON',
  ' application/json ',
  'application/json, text/plain',
  'application/jsonp',
  'application/vnd.api+json',
  'application/json-patch+json',
  'text/plain',
  'text/plain; charset=utf-8',
  'text/plain; charset=gbk',
  'text/html',
  'text/json',
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-8',
  'multipart/form-data',
  'multipart/form-data; boundary=----hutong',
  'application/octet-stream',
  'application/xml',
  '*/*',
  'application/*',
  ';',
  'application/json; charset',
  '\u00ff\u00fe/\u00e9',
]

const MULTIPART =
  '------hutong\r\nContent-Disposition: form-data; name="amountFen"\r\n\r\n100\r\n' +
  '------hutong\r\nContent-Disposition: form-data; name="file"; filename="a.json"\r\n' +
  'Content-Type: application/json\r\n\r\n{"amountFen":100}\r\n------hutong--\r\n'

/** Bodies that are empty, malformed, of the wrong kind, or objects no operation takes. */
const oddBody: fc.Arbitrary<string | Buffer | undefined> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom<string | Buffer | undefined>(
      undefined,
      '',
      ' ',
      '\r\n\t ',
      '{}',
      '{',
      '}',
      '{"a":',
      '{"a":1,}',
      "{'a':1}",
      '{"a":1}{"b":2}',
      '{"a":1} trailing',
      '{"a":NaN}',
      '{"a":Infinity}',
      '{"amountFen":1e999}',
      '{"amountFen":-0}',
      '{"a":1 /* comment */}',
      '\uFEFF{}',
      '{"\\ud800":1}',
      '{"a":"\\u0000"}',
      '{"__proto__":{"polluted":"yes"}}',
      '{"constructor":{"prototype":{"polluted":"yes"}}}',
      '{"a":{"__proto__":{}}}',
      '[]',
      '[{}]',
      '[1,2,3]',
      'null',
      'true',
      'false',
      '0',
      '-1',
      '1.5',
      '"a string"',
      '""',
      'nul',
      'amountFen=100&wallet=wechat',
      'a=1&a=2&__proto__[x]=1',
      MULTIPART,
      '<?xml version="1.0"?><amountFen>100</amountFen>',
      '\u0000\u0000\u0000\u0000',
      Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]),
      Buffer.from([0xc0, 0xae, 0xed, 0xa0, 0x80, 0x7b, 0x7d]),
      '['.repeat(10_000) + ']'.repeat(10_000),
      '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000),
    ),
  },
  { weight: 3, arbitrary: rejectedJsonBody },
  { weight: 1, arbitrary: deeplyNested.map((v) => JSON.stringify({ [REJECTED_KEY]: v })) },
  { weight: 1, arbitrary: hugeString.map((text) => JSON.stringify({ [REJECTED_KEY]: text })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 100 }) },
  { weight: 1, arbitrary: fc.integer({ min: 64 * 1024 - 4, max: 80 * 1024 }).map((n) => `{"a":"${'x'.repeat(n)}"}`) },
)

/** Idempotency-Key values the server must refuse (or none at all). */
const oddIdempotencyKey: fc.Arbitrary<string | undefined> = fc.option(
  fc.constantFrom('', ' ', 'a b', '\t', 'caf\u00e9', 'k'.repeat(256), 'x'.repeat(5_000), '\u00ff'),
  { nil: undefined },
)

const ODD_METHODS = [
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'HEAD',
  'TRACE',
  'PROPFIND',
  'SEARCH',
  'QUERY',
  'PURGE',
  'LOCK',
  'MKCOL',
  'REPORT',
  'LINK',
  'M-SEARCH',
]

// ---- checks ----

/** The answer of a request that changes nothing: a coded 4xx, or (for a read) a JSON answer. */
function expectSafeAnswer(request: HttpRequest, answer: Answer, readMaySucceed: boolean): void {
  if (answer.status >= 500) tally.serverErrors++
  const context = `${request.method} ${request.path.slice(0, 200)} [${request.headers?.['Content-Type'] ?? 'no type'}] ${String(request.body ?? '').slice(0, 200)} → ${answer.status} ${answer.text.slice(0, 300)}`
  expect(answer.status, context).toBeLessThan(500)
  if (request.method === 'HEAD') {
    expect(answer.text, context).toBe('')
    return
  }
  if (answer.status < 400) {
    expect(readMaySucceed && answer.status === 200, `not a coded error: ${context}`).toBe(true)
    expect(() => JSON.parse(answer.text) as unknown, context).not.toThrow()
    return
  }
  expect(String(answer.headers['content-type']), context).toMatch(/^application\/json/)
  expectCodedError(answer.status, answer.text)
}

async function unchangedBooks(run: () => Promise<void>): Promise<void> {
  const before = databaseDigest(s.engine.db)
  await run()
  expect(databaseDigest(s.engine.db), 'the database changed').toBe(before)
}

describe('the HTTP layer with generated odd requests', () => {
  it('odd paths (//, /./, %00, %2e%2e, very long segments, odd encodings) get a coded answer', async () => {
    await unchangedBooks(async () => {
      await fc.assert(
        fc.asyncProperty(oddPath, fc.constantFrom('GET', 'POST'), rejectedJsonBody, async ({ path }, method, body) => {
          tally.inputs++
          const request: HttpRequest =
            method === 'POST'
              ? { method, path, body, headers: { 'Content-Type': 'application/json' } }
              : { method, path }
          const digest = books()
          expectSafeAnswer(request, await client.send(request), method === 'GET')
          expect(books()).toBe(digest)
          expectPrototypeUntouched()
        }),
        { numRuns: runs(500), ...fuzzSeed() },
      )
    })
  })

  for (const method of ODD_METHODS) {
    it(`${method} on the API's paths gets a coded answer`, async () => {
      await unchangedBooks(async () => {
        await fc.assert(
          fc.asyncProperty(filledPath, fc.option(rejectedJsonBody, { nil: undefined }), async ({ path }, body) => {
            tally.inputs++
            const withBody = body !== undefined && method !== 'HEAD'
            const request: HttpRequest = {
              method,
              path,
              body: withBody ? body : undefined,
              headers: withBody ? { 'Content-Type': 'application/json' } : {},
            }
            const answer = await client.send(request)
            expectSafeAnswer(request, answer, method === 'HEAD')
            if (method !== 'HEAD') expect(answer.status).toBeGreaterThanOrEqual(400)
          }),
          { numRuns: runs(25), ...fuzzSeed() },
        )
      })
    })
  }

  it('a request head over 16 KB (path or header) gets 413 PAYLOAD_TOO_LARGE, whatever its method', async () => {
    await unchangedBooks(async () => {
      await fc.assert(
        fc.asyncProperty(
          filledPath,
          fc.constantFrom('GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'),
          fc.integer({ min: 17 * 1024, max: 40 * 1024 }),
          fc.boolean(),
          async ({ path }, method, size, inPath) => {
            tally.inputs++
            const request: HttpRequest = inPath
              ? { method, path: `${path}/${'a'.repeat(size)}` }
              : { method, path, headers: { 'X-Padding': 'a'.repeat(size) } }
            let answer: Answer
            try {
              answer = await client.send(request)
            } catch (error) {
              throw new Error(`${method} with a ${size}-byte ${inPath ? 'path' : 'header'}: ${String(error)}`, {
                cause: error,
              })
            }
            expect(answer.status).toBe(413)
            if (method === 'HEAD') expect(answer.text).toBe('')
            else expect(expectCodedError(answer.status, answer.text)).toBe('PAYLOAD_TOO_LARGE')
          },
        ),
        { numRuns: runs(60), ...fuzzSeed() },
      )
    })
  })

  it('GET on a POST route and POST on a GET route get a coded answer', async () => {
    await unchangedBooks(async () => {
      await fc.assert(
        fc.asyncProperty(filledPath, rejectedJsonBody, async ({ method: routeMethod, path }, body) => {
          tally.inputs++
          // A POST always carries a body no operation takes: the same path may take a change without one.
          const method = routeMethod === 'GET' ? 'POST' : 'GET'
          const request: HttpRequest =
            method === 'POST'
              ? { method, path, body, headers: { 'Content-Type': 'application/json' } }
              : { method, path }
          const answer = await client.send(request)
          expectSafeAnswer(request, answer, method === 'GET')
          if (method === 'POST') expect(answer.status).toBeGreaterThanOrEqual(400)
        }),
        { numRuns: runs(150), ...fuzzSeed() },
      )
    })
  })

  for (const contentType of CONTENT_TYPES) {
    it(`Content-Type ${JSON.stringify(contentType)} with malformed, empty and odd bodies gets a coded answer`, async () => {
      await unchangedBooks(async () => {
        await fc.assert(
          fc.asyncProperty(
            filledPath,
            oddBody,
            rejectedJsonBody,
            fc.boolean(),
            oddIdempotencyKey,
            async ({ method: routeMethod, path, runsWithoutBody }, odd, rejected, chunked, key) => {
              tally.inputs++
              const body = runsWithoutBody ? rejected : odd
              const headers: Record<string, string> = {}
              if (contentType !== null) headers['Content-Type'] = contentType
              if (key !== undefined) headers['Idempotency-Key'] = key
              const request: HttpRequest = { method: routeMethod, path, headers, body, chunked }
              const digest = books()
              expectSafeAnswer(request, await client.send(request), routeMethod === 'GET')
              expect(books()).toBe(digest)
              expectPrototypeUntouched()
            },
          ),
          { numRuns: runs(30), ...fuzzSeed() },
        )
      })
    })
  }

  describe('bytes no HTTP client would send', () => {
    let host: string
    beforeAll(() => {
      host = new URL(s.base).host
    })

    async function sendText(text: string): Promise<Answer> {
      tally.inputs++
      const answer = await sendRaw(s.base, Buffer.from(text, 'latin1'))
      if (answer.status >= 500) tally.serverErrors++
      return answer
    }

    function expectCoded(text: string, answer: Answer, readMaySucceed: boolean): void {
      const context = `${JSON.stringify(text.slice(0, 300))} → ${answer.status} ${answer.text.slice(0, 300)}`
      expect(answer.status, context).toBeLessThan(500)
      if (answer.status >= 400) expectCodedError(answer.status, answer.text)
      else expect(readMaySucceed && answer.status === 200, `not a coded error: ${context}`).toBe(true)
    }

    const requestLine = fc.oneof(
      fc
        .tuple(
          fc.constantFrom('GET', 'POST', 'get', 'post', 'Get', 'G\u00c9T', 'POST ', ' GET', 'GET\t', ''),
          fc.oneof(
            pathNeedingBody.map((p) => p.path),
            fc.constantFrom('/api/orders', '/api/store', '/api/orders/ord_x/cancel'),
          ),
          fc.constantFrom(' ', '\u00e9', '\u0000', ' /x ', '\t', '\u00ff', '%', '\u007f', '\r', ''),
          fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 extra', 'http/1.1', 'HTTP/9', ''),
        )
        .map(([method, path, junk, version]) => `${method} ${path}${junk} ${version}`.trimEnd()),
      oddString.map((line) => line.replaceAll('\r', '').replaceAll('\n', '')),
    )

    it('odd request lines get a coded answer', async () => {
      await unchangedBooks(async () => {
        await fc.assert(
          fc.asyncProperty(requestLine, fc.constantFrom('', '{}', '\u0000', '{'), async (line, body) => {
            const length = body ? [`Content-Type: application/json`, `Content-Length: ${body.length}`] : []
            const text = [
              line,
              `Host: ${host}`,
              `Authorization: Bearer ${TEST_TOKEN}`,
              ...length,
              'Connection: close',
              '',
              body,
            ].join('\r\n')
            expectCoded(text, await sendText(text), line.startsWith('GET '))
          }),
          { numRuns: runs(150), ...fuzzSeed() },
        )
      })
    })

    it('malformed headers and framing get a coded answer', async () => {
      const headerSet = fc.constantFrom(
        ['Content-Length: -1'],
        ['Content-Length: abc'],
        ['Content-Length: 2', 'Content-Length: 3'],
        ['Content-Length: 1e1'],
        ['Content-Length: 99999999999999999999'],
        ['Transfer-Encoding: chunked', 'Content-Length: 2'],
        ['Transfer-Encoding: gzip, chunked'],
        ['Transfer-Encoding: chunked, gzip'],
        ['Transfer-Encoding: chunked'],
        ['Transfer-Encoding: identity'],
        ['X-Bad\u0000Header: 1'],
        ['No colon here'],
        [' Folded: continuation'],
        [`X-Big: ${'a'.repeat(20_000)}`],
        ['Content-Type: application/json\u0000'],
        ['Idempotency-Key: \u00e9\u00e9'],
        ['Idempotency-Key: a', 'Idempotency-Key: b'],
        ['Authorization: Bearer'],
        [`Authorization: Bearer ${TEST_TOKEN}\u00e9`],
      )
      const body = fc.constantFrom('', '{}', 'zz\r\n{}\r\n0\r\n\r\n', '2\r\n{}\r\n0\r\n\r\n', '\u0000')
      await unchangedBooks(async () => {
        await fc.assert(
          fc.asyncProperty(
            pathNeedingBody,
            headerSet,
            body,
            async ({ method: routeMethod, path }, headers, payload) => {
              const text = [
                `${routeMethod} ${path} HTTP/1.1`,
                `Host: ${host}`,
                `Authorization: Bearer ${TEST_TOKEN}`,
                'Content-Type: application/json',
                ...headers,
                'Connection: close',
                '',
                payload,
              ].join('\r\n')
              expectCoded(text, await sendText(text), routeMethod === 'GET')
            },
          ),
          { numRuns: runs(150), ...fuzzSeed() },
        )
      })
    })

    it('a request without a Host header, or with one this server is not, gets a coded answer', async () => {
      const hostLines = fc.constantFrom<string[]>(
        [],
        ['Host:'],
        ['Host: evil.example'],
        ['Host: 127.0.0.1.evil.example'],
        [`Host: ${host}`, `Host: ${host}`],
        ['Host: [::1'],
        ['Host: \u00e9'],
      )
      await unchangedBooks(async () => {
        await fc.assert(
          fc.asyncProperty(
            filledPath,
            hostLines,
            fc.constantFrom('HTTP/1.1', 'HTTP/1.0'),
            async ({ method: routeMethod, path }, hostLine, version) => {
              const text = [
                `${routeMethod} ${path} ${version}`,
                ...hostLine,
                `Authorization: Bearer ${TEST_TOKEN}`,
                'Connection: close',
                '',
                '',
              ].join('\r\n')
              const answer = await sendText(text)
              expectCoded(text, answer, false)
            },
          ),
          { numRuns: runs(60), ...fuzzSeed() },
        )
      })
    })
  })

  it('the server still answers after all of it', async () => {
    const answer = await client.send({ method: 'GET', path: '/api/health', anonymous: true })
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.text)).toEqual({ ok: true, version: 'test' })
  })
})
