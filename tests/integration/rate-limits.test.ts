import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_RATE_LIMITS } from '../../src/server/rateLimits'
import { testServer } from '../support/server'

let s: Awaited<ReturnType<typeof testServer>> | null = null
afterEach(async () => {
  await s?.dispose()
  s = null
})

const few = { max: 3, windowMs: 60_000 }

async function statuses(count: number, request: () => Promise<Response>): Promise<number[]> {
  const seen: number[] = []
  for (let i = 0; i < count; i++) {
    const response = await request()
    await response.arrayBuffer()
    seen.push(response.status)
  }
  return seen
}

describe('rate limits on the routes anyone on the Wi-Fi can reach', () => {
  it('throttles wrong API tokens per address, in the API’s error shape, and never the console’s own token', async () => {
    s = await testServer({}, { rateLimits: { failedTokens: few } })
    const guess = () => fetch(`${s!.base}/api/orders`, { headers: { Authorization: 'Bearer guess' } })
    expect(await statuses(5, guess)).toEqual([401, 401, 401, 429, 429])
    const limited = await guess()
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(await limited.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } })
    // The till with the right token goes on, however many requests it makes.
    for (let i = 0; i < 10; i++) expect((await s.api('GET', '/api/orders')).status).toBe(200)
  })

  it('throttles wallet notifications per address', async () => {
    s = await testServer({}, { rateLimits: { notifications: few } })
    const forged = () =>
      fetch(`${s!.base}/api/notify/simulator:simulator`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      })
    const seen = await statuses(5, forged)
    expect(seen.slice(0, 3).every((status) => status !== 429)).toBe(true)
    expect(seen.slice(3)).toEqual([429, 429])
  })

  it('throttles phone pages per address with a page, not JSON', async () => {
    s = await testServer({}, { rateLimits: { phonePages: few } })
    const page = () => fetch(`${s!.base}/f`, { headers: { 'Accept-Language': 'zh-CN' } })
    expect(await statuses(3, page)).toEqual([200, 200, 200])
    const limited = await page()
    expect(limited.status).toBe(429)
    expect(limited.headers.get('content-type')).toContain('text/html')
    expect(await limited.text()).toContain('<html')
  })

  it('keeps limits generous enough for a shop by default', () => {
    expect(DEFAULT_RATE_LIMITS.phonePages.max).toBeGreaterThanOrEqual(120)
    expect(DEFAULT_RATE_LIMITS.notifications.max).toBeGreaterThanOrEqual(300)
    expect(DEFAULT_RATE_LIMITS.failedTokens.max).toBeLessThanOrEqual(60)
    expect(DEFAULT_RATE_LIMITS.payCodes.max).toBeLessThanOrEqual(10)
  })
})
