import { randomBytes, randomFillSync } from 'node:crypto'
import { monotonicFactory } from 'ulid'
import type { Clock } from './clock'

export type IdPrefix =
  | 'ord'
  | 'lin'
  | 'pay'
  | 'prd'
  | 'rfd'
  | 'agg'
  | 'fpr'
  | 'stf'
  | 'til'
  | 'ses'
  | 'shf'
  | 'cmv'
  | 'jnl'
  | 'dev'
  | 'rec'
  | 'dsc'

/**
 * Time-ordered ids with a readable prefix (`ord_01J…`): sortable, index-friendly, and at most
 * 30 characters of [0-9A-Za-z_], which fits WeChat Pay's out_trade_no rules.
 */
export function createIdGenerator(clock: Clock): (prefix: IdPrefix) => string {
  const next = monotonicFactory(pooledRandom())
  return (prefix) => `${prefix}_${next(clock.now())}`
}

/** Cryptographic randomness drawn from a refilled pool: one system call per 4 KiB instead of one per character. */
function pooledRandom(): () => number {
  const pool = Buffer.alloc(4096)
  let offset = pool.length
  return () => {
    if (offset >= pool.length) {
      randomFillSync(pool)
      offset = 0
    }
    return pool[offset++]! / 256
  }
}

const tokenPool = Buffer.alloc(4096)
let tokenOffset = tokenPool.length

/** An unguessable token: 128 random bits, URL-safe. Bytes come from a refilled pool and are never handed out twice. */
export function newSecretToken(bytes = 16): string {
  if (bytes > tokenPool.length) return randomBytes(bytes).toString('base64url')
  if (tokenOffset + bytes > tokenPool.length) {
    randomFillSync(tokenPool)
    tokenOffset = 0
  }
  const token = tokenPool.toString('base64url', tokenOffset, tokenOffset + bytes)
  tokenOffset += bytes
  return token
}
