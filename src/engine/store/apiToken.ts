import { createHash, timingSafeEqual } from 'node:crypto'
import type { Database } from 'better-sqlite3'
import type { EventLog } from '../events/log'
import { newSecretToken } from '../ids'
import { deleteSetting, getSetting, setSetting } from './settings'

const HASH_KEY = 'api.token.sha256'
/** Where versions before 0.2 kept the token itself. */
const PLAIN_KEY = 'api.token'

/**
 * The integrator API token, kept only as its SHA-256: whoever reads the database file learns nothing that opens
 * the API. The token is 24 random bytes, so a plain hash is enough (a slow KDF guards guessable secrets, not
 * this). It is known in full only when it is made.
 */
export interface ApiTokens {
  /** Makes the token on first start and returns it — the only time it can be shown; afterwards null. */
  issueIfMissing(): string | null
  /** A new token replaces the old one, which stops working at once. */
  reissue(): string
  /** Whether a presented token is the current one (constant time). */
  matches(presented: string): boolean
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest()

export function createApiTokens(db: Database, events: EventLog): ApiTokens {
  let stored = hashOnFile(db, events)

  function replace(): string {
    const token = newSecretToken(24)
    events.unitOfWork(() => setSetting(db, HASH_KEY, sha256(token).toString('hex')))
    stored = sha256(token)
    return token
  }

  return {
    issueIfMissing: () => (stored ? null : replace()),
    reissue: replace,
    matches: (presented) => stored !== null && timingSafeEqual(sha256(presented), stored),
  }
}

/** The stored hash; a token an older version kept in clear is hashed and the clear copy removed. */
function hashOnFile(db: Database, events: EventLog): Buffer | null {
  const plain = getSetting(db, PLAIN_KEY)
  if (plain !== null) {
    events.unitOfWork(() => {
      setSetting(db, HASH_KEY, sha256(plain).toString('hex'))
      deleteSetting(db, PLAIN_KEY)
    })
  }
  const hex = getSetting(db, HASH_KEY)
  return hex === null ? null : Buffer.from(hex, 'hex')
}
