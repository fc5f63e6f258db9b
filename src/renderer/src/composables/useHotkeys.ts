import { onBeforeUnmount, onMounted } from 'vue'

export type HotkeyHandler = (event: KeyboardEvent) => void

/**
 * Window-level shortcuts for the mounted screen, keyed by `KeyboardEvent.key` ("F2", "Escape",
 * "Enter", "+"). Enter and Space are left to a focused control, characters to a focused text
 * field; function keys and Escape work everywhere.
 */
export function useHotkeys(bindings: Record<string, HotkeyHandler>): void {
  function onKeydown(event: KeyboardEvent): void {
    if (event.defaultPrevented || event.isComposing || event.ctrlKey || event.metaKey || event.altKey) return
    const handler = bindings[event.key]
    if (!handler) return
    if (blockedByFocus(event.key, event.target)) return
    event.preventDefault()
    handler(event)
  }
  onMounted(() => window.addEventListener('keydown', onKeydown))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeydown))
}

function blockedByFocus(key: string, target: EventTarget | null): boolean {
  if (key === 'Escape' || /^F\d{1,2}$/.test(key)) return false
  if (key === 'Enter' || key === ' ') return isInteractive(target)
  return isTextField(target)
}

export function isInteractive(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  return (
    target.isContentEditable ||
    ['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON', 'A'].includes(target.tagName) ||
    target.getAttribute('role') === 'button'
  )
}

export function isTextField(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA')
}
