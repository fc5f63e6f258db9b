import { takeTokenFromUrl, tokenToKeep } from '../lib/apiToken'

const TOKEN_KEY = 'hutong.apiToken'

export function loadStoredToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY)
  } catch {
    return null
  }
}

export function storeToken(token: string): void {
  localStorage.setItem(TOKEN_KEY, token)
}

export function forgetToken(): void {
  try {
    localStorage.removeItem(TOKEN_KEY)
  } catch {
    // Storage unavailable: nothing was remembered either.
  }
}

/**
 * The token for this browser: one handed over in the address bar (`?token=…`, printed by the server) is
 * removed from the URL so it does not linger in history or screenshots, and remembered once the server has
 * accepted it (a wrong one leaves the remembered token in place).
 */
export async function resolveToken(
  accepted: (token: string) => Promise<'yes' | 'no' | 'unknown'>,
): Promise<string | null> {
  const fromUrl = takeTokenFromUrl(window.location.href)
  const remembered = loadStoredToken()
  if (!fromUrl) return remembered
  window.history.replaceState(window.history.state, '', fromUrl.cleanUrl)
  const token = await tokenToKeep(fromUrl.token, remembered, accepted)
  if (token !== null && token !== remembered) storeToken(token)
  return token
}
