import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { findChromium, noChromiumAdvice } from './chromiumPath'
import { openSignedIn } from './console'
import { startHeadless } from './headless'
import type { DemoRole } from './staff'

export const WECHAT_IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.49(0x18003137) NetType/WIFI Language/zh_CN'
export const ALIPAY_ANDROID_UA =
  'Mozilla/5.0 (Linux; U; Android 14; zh-CN; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36 AlipayClient/10.6.0.8000 Language/zh-Hans'

/** Chrome or Chromium, headless, with the flags that keep it off the (closed) network. */
export function launchChromium(): Promise<Browser> {
  const executablePath = findChromium()
  if (!executablePath) throw new Error(noChromiumAdvice())
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  })
}

/**
 * The built headless app and Chromium for one end-to-end file, started before its tests and stopped after; and
 * the console opened at `route` with the app's token, as a paired till does, a demo member (the owner unless
 * told otherwise) signed in through the sign-in screen.
 */
export function headlessConsole() {
  const parts = {} as { app: Awaited<ReturnType<typeof startHeadless>>; browser: Browser }
  beforeAll(async () => {
    parts.app = await startHeadless()
    parts.browser = await launchChromium()
  })
  afterAll(async () => {
    await parts.browser?.close()
    await parts.app?.stop()
  })
  return {
    get app() {
      return parts.app
    },
    /** For pages beside the console: a customer's phone on the simulator's pay page. */
    get browser() {
      return parts.browser
    },
    async open(route: string, viewport = { width: 1366, height: 768 }, options: { as?: DemoRole } = {}): Promise<Page> {
      const page = await (await parts.browser.newContext({ viewport, locale: 'zh-CN' })).newPage()
      await openSignedIn(page, parts.app, route, options)
      return page
    },
  }
}
