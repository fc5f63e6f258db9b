import type { Page } from 'playwright-core'
import { demoPin, type DemoRole } from './staff'

export interface SignInAs {
  /** The demo member (the owner unless told otherwise). */
  as?: DemoRole
  /** Their PIN, when the owner has replaced the demo one. */
  pin?: string
}

/**
 * Signs a demo member in through the console's sign-in screen, as a cashier would: their tile, the PIN typed on
 * the keyboard, Enter. Resolves once the header names them.
 */
export async function signInThroughUi(page: Page, as: DemoRole = 'owner', pin = demoPin(as)): Promise<void> {
  await page.getByTestId('sign-in-view').waitFor()
  await page.locator(`[data-testid="staff-tile"][data-role="${as}"]`).first().click()
  await page.keyboard.type(pin)
  await page.keyboard.press('Enter')
  await page.locator(`[data-testid="signed-in-member"][data-role="${as}"]`).waitFor()
}

/**
 * A browser till paired by the server's link, opened at `route` (after the sign-in screen, which sends the
 * member on to it) with a demo member signed in.
 */
export async function openSignedIn(
  page: Page,
  app: { base: string; token: string },
  route = '/',
  options: SignInAs = {},
): Promise<void> {
  await page.goto(`${app.base}/?token=${encodeURIComponent(app.token)}#${route}`)
  await signInThroughUi(page, options.as, options.pin)
}
