import { nextTick, onBeforeUnmount, onMounted } from 'vue'
import { isTextField } from './useHotkeys'

interface Focusable {
  focus(): void
}

/**
 * The checkout screen's payment-code field holds the keyboard whenever nothing else needs it, so a
 * customer's code scanned at any moment lands in it; digits typed with focus outside any field (a
 * keyboard-wedge scanner) go to it too.
 */
export function usePaymentCodeFocus(options: {
  /** A dialog or the friend-pay screens have the keyboard. */
  keyboardTaken: () => boolean
  /** A payment code is being confirmed: leave the focus where it is. */
  codeInProgress: () => boolean
  /** The field that takes the keyboard instead (the cash amount, when cash is chosen). */
  preferred: () => Focusable | null | undefined
  codeField: () => Focusable | null | undefined
}): { focusIdle: () => void } {
  function focusIdle(): void {
    void nextTick(() => {
      if (options.keyboardTaken() || options.codeInProgress()) return
      const preferred = options.preferred()
      if (preferred) preferred.focus()
      else if (!isTextField(document.activeElement)) options.codeField()?.focus()
    })
  }

  function digitsToCodeField(event: KeyboardEvent): void {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || options.keyboardTaken()) return
    if (!/^\d$/.test(event.key) || isTextField(event.target)) return
    options.codeField()?.focus()
  }

  onMounted(() => {
    window.addEventListener('keydown', digitsToCodeField, true)
    focusIdle()
  })
  onBeforeUnmount(() => window.removeEventListener('keydown', digitsToCodeField, true))

  return { focusIdle }
}
