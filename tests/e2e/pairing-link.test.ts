import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../support/browser'
import { startHeadless } from '../support/headless'
import { signInThroughUi } from '../support/console'

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

describe('a paired browser till and links with tokens', () => {
  it('a link with a wrong token neither logs the till out nor lingers in the address bar', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()
    await page.goto(`${app.base}/?token=${encodeURIComponent(app.token)}`)
    await signInThroughUi(page, 'cashier')
    await page.getByTestId('product-tile').first().waitFor()
    // The page's own storage, read in the page (a browser global, unknown to these Node-typed tests).
    const remembered = () =>
      page.evaluate(() => (globalThis as any).localStorage.getItem('hutong.apiToken') as string | null)
    expect(await remembered()).toBe(app.token)

    await page.goto(`${app.base}/?token=someone-elses-token#/`)
    await page.getByTestId('product-tile').first().waitFor()
    expect(await remembered()).toBe(app.token)
    expect(page.url()).not.toContain('token=')
    await page.context().close()
  })
})
