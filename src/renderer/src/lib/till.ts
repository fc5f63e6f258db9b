/** What a console remembers of the till it registered as. */
export interface StoredTill {
  id: string
  name: string
}

export const TILL_NAME_MAX = 30

export function parseStoredTill(raw: string | null): StoredTill | null {
  if (!raw) return null
  try {
    const value = JSON.parse(raw) as Partial<StoredTill> | null
    return typeof value?.id === 'string' && typeof value.name === 'string' && value.name.trim() !== ''
      ? { id: value.id, name: value.name }
      : null
  } catch {
    return null
  }
}

/** Letters and digits that cannot be mistaken for each other when read aloud across the counter. */
const SUFFIX_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ'

/**
 * A browser till's first name: the base name and a short random suffix, so two browsers paired the same day are
 * told apart (the server takes the same name as the same till).
 */
export function browserTillName(base: string, random: Uint8Array): string {
  const suffix = Array.from(random.subarray(0, 4), (byte) => SUFFIX_ALPHABET[byte % SUFFIX_ALPHABET.length]).join('')
  return `${base} ${suffix}`
}

/** A name typed for this till, trimmed; null when it cannot be one. */
export function cleanTillName(typed: string): string | null {
  const name = typed.trim().replace(/\s+/g, ' ')
  return name.length > 0 && name.length <= TILL_NAME_MAX ? name : null
}
