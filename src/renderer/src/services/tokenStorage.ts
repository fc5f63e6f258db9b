import { takeTokenFromUrl } from '../lib/apiToken'

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
 * The token for this browser: one handed over in the address bar (`?token=…`, printed by the
 * server) is remembered and removed from the URL so it does not linger in history or screenshots.
 */
export function resolveToken(): string | null {
  const fromUrl = takeTokenFromUrl(window.location.href)
  if (fromUrl) {
    storeToken(fromUrl.token)
    window.history.replaceState(window.history.state, '', fromUrl.cleanUrl)
    return fromUrl.token
  }
  return loadStoredToken()
}
