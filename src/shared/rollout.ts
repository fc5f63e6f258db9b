/**
 * Staged rollout ("open to some users first"): a stable hash of the customer reference and the wallet
 * puts each customer in a bucket 0–99; the customer is in when the bucket is below the percentage.
 * The same customer stays in (or out) as the percentage only grows. Without a customer reference no
 * one can be recognised, so only a 100 % rollout admits the order.
 */
export function rolloutBucket(customerRef: string, salt: string): number {
  // FNV-1a, 32 bit: tiny, stable across platforms and versions.
  let hash = 0x811c9dc5
  for (const char of `${salt}:${customerRef}`) {
    hash ^= char.codePointAt(0)!
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash % 100
}

export function inRollout(customerRef: string | null, salt: string, percent: number): boolean {
  if (percent >= 100) return true
  if (percent <= 0 || !customerRef) return false
  return rolloutBucket(customerRef, salt) < percent
}
