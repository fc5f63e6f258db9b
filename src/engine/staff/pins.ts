import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

/**
 * PINs are kept as scrypt hashes (node:crypto): a 4–6 digit PIN has at most a million values, so the hash must be
 * slow (about 50 ms here) for a stolen database file to cost hours per member; the lockout guards the till itself.
 * Stored as `scrypt$N$r$p$salt$hash`, so the cost can rise later without breaking stored PINs.
 */
const COST = { N: 16_384, r: 8, p: 1 } as const
const KEY_BYTES = 32

function derive(pin: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(pin, salt, KEY_BYTES, { ...cost, maxmem: 64 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    )
  })
}

export async function hashPin(pin: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(pin, salt, COST)
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join('$')
}

/** Whether a PIN matches its stored hash (constant time); a hash in an unknown format matches nothing. */
export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64')
  const key = await derive(pin, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) })
  return key.length === expected.length && timingSafeEqual(key, expected)
}
