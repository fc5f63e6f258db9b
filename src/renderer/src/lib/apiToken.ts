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

/**
 * The token this browser goes on with when the address bar brings one: it replaces the remembered token only if
 * the server accepts it, so a link with a wrong or stale token cannot log a paired till out. A server that cannot
 * be reached says nothing about the token: it is taken, as a first pairing would.
 */
export async function tokenToKeep(
  fromUrl: string,
  remembered: string | null,
  accepted: (token: string) => Promise<'yes' | 'no' | 'unknown'>,
): Promise<string | null> {
  if (fromUrl === remembered) return remembered
  const verdict = await accepted(fromUrl)
  if (verdict === 'no') return remembered
  return fromUrl
}
