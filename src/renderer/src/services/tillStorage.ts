import { parseStoredTill, type StoredTill } from '../lib/till'

const TILL_KEY = 'hutong.till'

/** The till this console registered as (its id goes with every sign-in), or null before the first start. */
export function loadStoredTill(): StoredTill | null {
  try {
    return parseStoredTill(localStorage.getItem(TILL_KEY))
  } catch {
    return null
  }
}

export function storeTill(till: StoredTill): void {
  try {
    localStorage.setItem(TILL_KEY, JSON.stringify(till))
  } catch {
    // Not remembered: the next start registers the till under its default name again.
  }
}
