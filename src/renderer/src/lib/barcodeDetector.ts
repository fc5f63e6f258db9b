/**
 * Tells a keyboard-wedge barcode scanner from a person: a scanner types a run of digits a few
 * milliseconds apart and ends it with Enter; people type far slower.
 */
export interface BarcodeDetectorOptions {
  /** Longest pause between two characters of one scan. */
  maxGapMs?: number
  /** Shortest code accepted (EAN-8). */
  minLength?: number
}

export interface BarcodeDetector {
  /** Feeds one printable key; returns nothing. */
  key(key: string, atMs: number): void
  /** Feeds Enter; returns the scanned code if the keys before it were a scan, else null. */
  enter(atMs: number): string | null
  reset(): void
}

export function createBarcodeDetector(options: BarcodeDetectorOptions = {}): BarcodeDetector {
  const maxGapMs = options.maxGapMs ?? 60
  const minLength = options.minLength ?? 8
  let buffer = ''
  let lastAt = Number.NEGATIVE_INFINITY

  function reset(): void {
    buffer = ''
    lastAt = Number.NEGATIVE_INFINITY
  }

  return {
    key(key, atMs) {
      if (!/^\d$/.test(key)) return reset()
      if (atMs - lastAt > maxGapMs) buffer = ''
      buffer += key
      lastAt = atMs
    },
    enter(atMs) {
      const code = buffer.length >= minLength && atMs - lastAt <= maxGapMs ? buffer : null
      reset()
      return code
    },
    reset,
  }
}
