import { onBeforeUnmount, onMounted } from 'vue'
import { createBarcodeDetector, type BarcodeDetectorOptions } from '../lib/barcodeDetector'
import { isTextField } from './useHotkeys'

/**
 * Listens for a keyboard-wedge scanner wherever focus is. `onScan` returns whether it used the
 * code; only then is the scan's Enter swallowed and its digits taken back out of the focused field.
 */
export function useBarcodeScanner(onScan: (code: string) => boolean, options?: BarcodeDetectorOptions): void {
  const detector = createBarcodeDetector(options)

  function onKeydown(event: KeyboardEvent): void {
    if (event.isComposing || event.ctrlKey || event.metaKey || event.altKey) return detector.reset()
    if (event.key !== 'Enter') {
      if (event.key.length === 1) detector.key(event.key, event.timeStamp)
      else if (event.key !== 'Shift') detector.reset()
      return
    }
    const code = detector.enter(event.timeStamp)
    if (!code || !onScan(code)) return
    event.preventDefault()
    event.stopImmediatePropagation()
    removeTypedCode(event.target, code)
  }

  // Capture phase: the scan is recognised before the focused field handles its Enter.
  onMounted(() => window.addEventListener('keydown', onKeydown, true))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeydown, true))
}

function removeTypedCode(target: EventTarget | null, code: string): void {
  if (!isTextField(target)) return
  const field = target as HTMLInputElement
  if (!field.value.endsWith(code)) return
  field.value = field.value.slice(0, -code.length)
  field.dispatchEvent(new Event('input', { bubbles: true }))
}
