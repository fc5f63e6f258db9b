import { pinyin } from 'pinyin-pro'

/** One character of a name with every reading a cashier might type for it (lower case, ü as v). */
export interface SpelledChar {
  char: string
  readings: string[]
  /** First letters of the character and its readings, to skip quickly where a query cannot start. */
  starts: Set<string>
}

const PINYIN_OPTIONS = { toneType: 'none', type: 'array', v: true } as const

/**
 * Spells a name character by character: the reading in context first (长城 → chang), then the
 * other readings of a polyphonic character (长 → zhang), so either spelling finds the product.
 */
export function spellName(name: string): SpelledChar[] {
  const chars = [...name.toLowerCase()]
  const inContext = pinyin(chars.join(''), PINYIN_OPTIONS)
  return chars.map((char, i) => {
    const readings = new Set<string>([inContext[i] ?? char])
    for (const reading of pinyin(char, { ...PINYIN_OPTIONS, multiple: true })) readings.add(reading)
    readings.delete('')
    const starts = new Set([char, ...readings].map((text) => text.charAt(0)))
    return { char, readings: [...readings], starts }
  })
}

/**
 * Whether a query spells a run of consecutive characters of the name. Each character may be typed
 * as itself (豆), its full pinyin (dou) or the start of it (d), in any mix: dj, doujiang, 豆j.
 */
export function matchesSpelling(spelled: readonly SpelledChar[], query: string): boolean {
  const needle = query.toLowerCase().replace(/\s+/g, '')
  if (!needle) return true
  // What fails from a character with a given rest of the query fails whatever run it is part of.
  const failed = new Set<string>()
  for (let start = 0; start < spelled.length; start++) {
    if (spellsFrom(spelled, start, needle, failed)) return true
  }
  return false
}

function spellsFrom(spelled: readonly SpelledChar[], at: number, rest: string, failed: Set<string>): boolean {
  if (rest === '') return true
  const here = spelled[at]
  const key = `${at}:${rest.length}`
  if (here === undefined || failed.has(key)) return false
  for (const taken of consumable(here, rest)) {
    if (spellsFrom(spelled, at + 1, rest.slice(taken), failed)) return true
  }
  failed.add(key)
  return false
}

/** How many leading query characters this name character can account for, longest first. */
function consumable(spelled: SpelledChar, rest: string): number[] {
  if (!spelled.starts.has(rest.charAt(0))) return []
  const lengths = new Set<number>()
  if (rest.startsWith(spelled.char)) lengths.add(spelled.char.length)
  for (const reading of spelled.readings) {
    let common = 0
    while (common < reading.length && reading[common] === rest[common]) common++
    for (let n = common; n >= 1; n--) lengths.add(n)
  }
  return [...lengths].sort((a, b) => b - a)
}
