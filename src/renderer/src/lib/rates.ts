/**
 * Fee rates are stored as integer basis points (60 bp = 0.60 %) and edited as percentages with at
 * most two decimals. Conversion is done on the digits, never through floating point.
 */

const PERCENT_PATTERN = /^(\d{1,3})(?:\.(\d{0,2}))?$/

/** "0.6" → 60, "1" → 100, "0.38" → 38, "100" → 10000; null for anything else (or above 100 %). */
export function parsePercentToBp(text: string): number | null {
  const trimmed = text
    .trim()
    .replace(/[%％]$/, '')
    .trim()
  const match = PERCENT_PATTERN.exec(trimmed)
  if (!match) return null
  const bp = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'))
  return bp <= 10_000 ? bp : null
}

/** 60 → "0.60", 7 → "0.07", 10000 → "100.00". */
export function formatBpAsPercent(bp: number): string {
  const sign = bp < 0 ? '-' : ''
  const abs = Math.abs(Math.trunc(bp))
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

/** "18, 19" → [18, 19]; null when an entry is not a whole number in [min, max] or the list is empty. */
export function parseIntegerList(text: string, min: number, max: number): number[] | null {
  const parts = splitList(text)
  if (parts.length === 0) return null
  const values: number[] = []
  for (const part of parts) {
    if (!/^\d{1,6}$/.test(part)) return null
    const value = Number(part)
    if (value < min || value > max) return null
    if (!values.includes(value)) values.push(value)
  }
  return values
}

/** "10, 11,12" → ["10", "11", "12"]; null when an entry is not 1–6 digits or the list is empty. */
export function parseDigitPrefixList(text: string): string[] | null {
  const parts = splitList(text)
  if (parts.length === 0 || parts.some((part) => !/^\d{1,6}$/.test(part))) return null
  return [...new Set(parts)]
}

/** Comma-, space- or 、-separated entries (Chinese input methods type the full-width comma). */
export function splitList(text: string): string[] {
  return text
    .split(/[,，、\s]+/)
    .map((part) => part.trim())
    .filter((part) => part !== '')
}
