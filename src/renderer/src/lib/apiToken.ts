export const TOKEN_QUERY_PARAM = 'token'

/**
 * Takes the pairing token out of a console URL (`…/?token=abc#/`). Returns the token and the
 * same URL without it, to put back in the address bar.
 */
export function takeTokenFromUrl(href: string): { token: string; cleanUrl: string } | null {
  const url = new URL(href)
  const token = url.searchParams.get(TOKEN_QUERY_PARAM)?.trim()
  if (!token) return null
  url.searchParams.delete(TOKEN_QUERY_PARAM)
  return { token, cleanUrl: url.toString() }
}
