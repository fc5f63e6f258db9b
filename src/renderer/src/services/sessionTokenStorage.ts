const SESSION_KEY = 'hutong.staffSession'

// The staff session outlives a reload of the window but not the window itself: sessionStorage, never localStorage,
// so a till closed at night does not open signed in.

export function loadSessionToken(): string | null {
  try {
    return sessionStorage.getItem(SESSION_KEY)
  } catch {
    return null
  }
}

export function storeSessionToken(token: string): void {
  try {
    sessionStorage.setItem(SESSION_KEY, token)
  } catch {
    // Storage unavailable: a reload asks for the PIN again, nothing worse.
  }
}

export function forgetSessionToken(): void {
  try {
    sessionStorage.removeItem(SESSION_KEY)
  } catch {
    // Storage unavailable: nothing was remembered either.
  }
}
