import { afterEach, describe, expect, it } from 'vitest'
import { createApiClient } from '../../src/renderer/src/api/client'
import { createHttpTransport } from '../../src/renderer/src/api/httpTransport'
import { bytesToBase64 } from '../../src/renderer/src/lib/reconciliation'
import { writeWechatBill, type BillRecord } from '../../src/engine/reconciliation/bills'
import { TEST_TOKEN, testServer } from '../support/server'

let s: Awaited<ReturnType<typeof testServer>> | null = null
afterEach(async () => {
  await s?.dispose()
  s = null
})

const DATE = '2026-11-21'
const NEXT_MORNING = Date.parse('2026-11-22T03:00:00Z')

/** A WeChat Pay bill of `count` trades this till never made. */
async function strangersBill(count: number): Promise<Uint8Array> {
  const records: BillRecord[] = Array.from({ length: count }, (_, i) => ({
    kind: 'payment',
    outTradeNo: `pay_elsewhere_${String(i).padStart(6, '0')}`,
    providerTradeNo: `42000000${String(i).padStart(10, '0')}`,
    merchantId: 'SIM-WX-0001',
    amountFen: 100 + i,
    feeFen: 1,
    at: Date.parse(`${DATE}T02:00:00Z`) + i * 1000,
    description: '早餐',
  }))
  let text = ''
  for await (const chunk of writeWechatBill(records)) text += chunk
  return new TextEncoder().encode(text)
}

describe('a bill file sent by the console in a browser', () => {
  it('goes as the request body, past the 64 KB cap on JSON, and is matched whole', async () => {
    s = await testServer()
    s.clock.set(NEXT_MORNING)
    const sent: { url: string; type: string | null }[] = []
    const watching: typeof fetch = (input, init) => {
      sent.push({ url: String(input), type: new Headers(init?.headers).get('content-type') })
      return fetch(input, init)
    }
    const api = createApiClient(createHttpTransport({ baseUrl: s.base, token: TEST_TOKEN, fetch: watching }))
    api.setSession(await s.signIn('owner'))

    const bytes = await strangersBill(400)
    expect(bytes.length).toBeGreaterThan(64 * 1024)
    const run = await api.call('reconciliation.importBill', {
      wallet: 'wechat',
      date: DATE,
      lang: 'en-US',
      fileBase64: bytesToBase64(bytes),
    })
    expect(run).toMatchObject({ wallet: 'wechat', date: DATE, status: 'discrepancies', source: 'import' })
    expect(run.bill?.trades).toBe(400)
    expect(run.discrepancies).toHaveLength(400)
    expect(run.discrepancies[0]!.suggestedAction).toMatch(/WeChat Pay/)

    const upload = sent.at(-1)!
    expect(upload.type).toBe('text/csv')
    const query = new URL(upload.url).searchParams
    expect(Object.fromEntries(query)).toEqual({ wallet: 'wechat', date: DATE, lang: 'en-US' })
  })

  it('a file that is no bill is refused in words, and nothing is kept', async () => {
    s = await testServer()
    s.clock.set(NEXT_MORNING)
    const api = createApiClient(createHttpTransport({ baseUrl: s.base, token: TEST_TOKEN }))
    api.setSession(await s.signIn('owner'))
    const notABill = bytesToBase64(new TextEncoder().encode('name,price\r\n豆浆,2.00\r\n'))
    await expect(
      api.call('reconciliation.importBill', { wallet: 'wechat', date: DATE, fileBase64: notABill }),
    ).rejects.toMatchObject({ code: 'BILL_INVALID' })
    expect((await api.call('reconciliation.list', { date: DATE })).runs).toEqual([])
  })
})
