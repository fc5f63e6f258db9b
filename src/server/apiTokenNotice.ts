import type { ApiTokens } from '../engine/store/apiToken'
import type { ServerConfig } from './config'

/** Asks for a new integrator token at start: `npm run serve -- --show-token` (the old token stops working). */
export const SHOW_TOKEN_FLAG = '--show-token'

export interface TokenAtStart {
  /** What the server checks presented tokens against. */
  check: string | ApiTokens
  /** The token in full, when it was just made (first start, or asked for); otherwise null: it is not kept. */
  shown: string | null
  /** Where the token comes from, in words for the start-up log. */
  source: 'environment' | 'new' | 'kept'
}

/**
 * Decides the integrator token at start. A token from HUTONG_API_TOKEN is used as given and never printed; the
 * stored one is a hash, so it can be printed only when it is made — on first start or when asked for.
 */
export function tokenAtStart(config: ServerConfig, tokens: ApiTokens, argv: readonly string[]): TokenAtStart {
  if (config.apiToken) return { check: config.apiToken, shown: null, source: 'environment' }
  const shown = argv.includes(SHOW_TOKEN_FLAG) ? tokens.reissue() : tokens.issueIfMissing()
  return { check: tokens, shown, source: shown ? 'new' : 'kept' }
}

/** The start-up lines about the token: the token itself only when it was just made. */
export function tokenNotice(token: TokenAtStart, localUrl: string): string[] {
  switch (token.source) {
    case 'environment':
      return ['  API token: from HUTONG_API_TOKEN', `  console:   ${localUrl}/`]
    case 'kept':
      return [
        '  API token: kept as a hash and not shown again; to issue a new one (the old one stops working):',
        `             npm run serve -- ${SHOW_TOKEN_FLAG}`,
        `  console:   ${localUrl}/`,
      ]
    case 'new':
      return [
        `  API token: ${token.shown} (shown this once: keep it somewhere safe)`,
        `  console:   ${localUrl}/?token=${encodeURIComponent(token.shown ?? '')}`,
      ]
  }
}
