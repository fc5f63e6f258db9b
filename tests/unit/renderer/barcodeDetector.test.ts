import { describe, expect, it } from 'vitest'
import { createBarcodeDetector } from '../../../src/renderer/src/lib/barcodeDetector'

function typeAt(detector: ReturnType<typeof createBarcodeDetector>, text: string, start: number, gap: number) {
  let at = start
  for (const key of text) {
    detector.key(key, at)
    at += gap
  }
  return at
}

describe('barcode detector', () => {
  it('recognises a fast run of digits ended by Enter', () => {
    const detector = createBarcodeDetector()
    const end = typeAt(detector, '6901234567892', 0, 8)
    expect(detector.enter(end)).toBe('6901234567892')
  })

  it('ignores a person typing slowly', () => {
    const detector = createBarcodeDetector()
    const end = typeAt(detector, '6901234567892', 0, 150)
    expect(detector.enter(end)).toBeNull()
  })

  it('ignores short codes and anything that is not only digits', () => {
    const detector = createBarcodeDetector()
    expect(detector.enter(typeAt(detector, '1234', 0, 5))).toBeNull()
    expect(detector.enter(typeAt(detector, '12345.678', 1000, 5))).toBeNull()
  })

  it('starts a new scan after a pause, keeping only the fast tail', () => {
    const detector = createBarcodeDetector()
    typeAt(detector, '99', 0, 5)
    const end = typeAt(detector, '6900000000011', 2000, 5)
    expect(detector.enter(end)).toBe('6900000000011')
  })

  it('needs Enter to follow the last digit promptly', () => {
    const detector = createBarcodeDetector()
    const end = typeAt(detector, '6900000000011', 0, 5)
    expect(detector.enter(end + 500)).toBeNull()
  })
})
