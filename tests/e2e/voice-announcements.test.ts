import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../support/browser'
import { openSignedIn } from '../support/console'
import { startHeadless } from '../support/headless'

let app: Awaited<ReturnType<typeof startHeadless>>
let browser: Browser

beforeAll(async () => {
  app = await startHeadless()
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

/**
 * Runs in the console before its own scripts (browser code, kept as text): the speech API is observed (every
 * utterance recorded, one voice of `voiceLang` on offer, or none) and every `order.paid` event on the live stream
 * arrives twice, as after a network hiccup or a replay.
 */
function speechObserver(voiceLang: string | null): string {
  return `(() => {
  window.spoken = []
  window.duplicated = 0
  const voices = ${JSON.stringify(voiceLang)} ? [{ lang: ${JSON.stringify(voiceLang)}, name: 'Test', voiceURI: 'test', localService: true }] : []
  speechSynthesis.getVoices = () => voices
  speechSynthesis.speak = (u) => void window.spoken.push({ text: u.text, lang: u.lang, volume: u.volume })
  const realFetch = window.fetch.bind(window)
  window.fetch = async (input, init) => {
    const response = await realFetch(input, init)
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    if (!url.includes('/api/events') || !response.body) return response
    const decoder = new TextDecoder()
    const encoder = new TextEncoder()
    let buffer = ''
    const doubled = new TransformStream({
      transform(chunk, out) {
        buffer += decoder.decode(chunk, { stream: true })
        let end
        while ((end = buffer.indexOf('\\n\\n')) >= 0) {
          const block = buffer.slice(0, end + 2)
          buffer = buffer.slice(end + 2)
          out.enqueue(encoder.encode(block))
          if (block.includes('"order.paid"')) {
            out.enqueue(encoder.encode(block))
            window.duplicated += 1
          }
        }
      },
    })
    return new Response(response.body.pipeThrough(doubled), { status: response.status, headers: response.headers })
  }
})()`
}

async function till(voiceLang: string | null, locale?: 'en-US', as: 'cashier' | 'owner' = 'cashier'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })
  await context.addInitScript({ content: speechObserver(voiceLang) })
  const page = await context.newPage()
  await openSignedIn(page, app, '/', { as })
  await page.getByTestId('product-tile').first().waitFor()
  if (locale) {
    await page.getByTestId('locale-switch').click()
    const option = page.getByRole('menuitem', { name: 'English' }).or(page.getByRole('option', { name: 'English' }))
    if (await option.count()) await option.first().click()
  }
  return page
}

interface Utterance {
  text: string
  lang: string
  volume: number
}
const spoken = (page: Page) => page.evaluate(() => (globalThis as unknown as { spoken: Utterance[] }).spoken)
const duplicated = (page: Page) => page.evaluate(() => (globalThis as unknown as { duplicated: number }).duplicated)

/** The customer's payment code scanned at the checkout: the simulator wallet pays at once. */
async function sellByPaymentCode(page: Page, sku: string, code: string): Promise<void> {
  await page.locator(`[data-testid="product-tile"][data-sku="${sku}"]`).click()
  await page.getByTestId('charge-button').click()
  await page.getByTestId('wallet-option').first().waitFor()
  await page.keyboard.type(code, { delay: 5 })
  await page.keyboard.press('Enter')
  await page.getByTestId('receipt').waitFor({ state: 'visible', timeout: 5000 })
}

describe('收款语音播报', () => {
  it('says the wallet and amount once, on the till that rang the order up, even when the event comes twice', async () => {
    const counter = await till('zh-CN')
    const otherTill = await till('zh-CN')
    await sellByPaymentCode(counter, 'DLY-002', '134567890123456781')

    await expect.poll(() => spoken(counter)).toHaveLength(1)
    const [said] = await spoken(counter)
    expect(said).toMatchObject({ text: '微信收款 29.90 元', lang: 'zh-CN' })
    expect(said!.volume).toBeCloseTo(0.8)
    // Both tills heard the payment twice; the duplicate was not announced, and the other till stayed quiet.
    await expect.poll(() => duplicated(counter)).toBeGreaterThanOrEqual(1)
    await expect.poll(() => duplicated(otherTill)).toBeGreaterThanOrEqual(1)
    await counter.waitForTimeout(500)
    expect(await spoken(counter)).toHaveLength(1)
    expect(await spoken(otherTill)).toHaveLength(0)

    await counter.context().close()
    await otherTill.context().close()
  })

  it('an English console speaks English', async () => {
    const page = await till('en-US', 'en-US')
    await sellByPaymentCode(page, 'BRK-004', '281234567890123456')
    await expect.poll(() => spoken(page)).toMatchObject([{ text: 'Alipay received 8.00 yuan', lang: 'en-US' }])
    await page.context().close()
  })

  it('a till switched off in the settings says nothing', async () => {
    const page = await till('zh-CN', undefined, 'owner')
    await page.goto(`${app.base}/#/settings`)
    await page.locator('[data-testid="settings-tab"][data-tab="voice"]').click()
    await page.getByTestId('voice-enabled').click()
    await page.screenshot({ path: 'test-results/screens/settings-voice-1366.png' })
    await page.goto(`${app.base}/#/`)
    await sellByPaymentCode(page, 'DRK-001', '134567890123456782')
    await expect.poll(() => duplicated(page)).toBeGreaterThanOrEqual(1)
    await page.waitForTimeout(500)
    expect(await spoken(page)).toHaveLength(0)
    await page.context().close()
  })
})
