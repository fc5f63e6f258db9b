import { onBeforeUnmount, onMounted } from 'vue'

/**
 * Esc does not close Element Plus message boxes in this console (seen with ElMessageBox.confirm and .prompt in
 * Chromium: the key reaches the document, the box's focus trap takes it and the box stays open). While `open()`
 * says one of this screen's boxes is up, Esc presses its cancel button, which settles it as a cancel.
 */
export function useMessageBoxEscape(open: () => boolean): void {
  function onKeydown(event: KeyboardEvent): void {
    if (event.key !== 'Escape' || !open()) return
    const cancel = document.querySelector<HTMLButtonElement>(
      '.el-message-box .el-message-box__btns .el-button:not(.el-button--primary)',
    )
    if (!cancel) return
    event.preventDefault()
    event.stopImmediatePropagation()
    cancel.click()
  }
  // Capture phase: before the box's own key handling and the screen's shortcuts.
  onMounted(() => window.addEventListener('keydown', onKeydown, true))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeydown, true))
}
