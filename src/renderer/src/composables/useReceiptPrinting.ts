import { ElMessage } from 'element-plus'
import { ref, type Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import type { Translate } from '../lib/receiptHtml'
import type { PaperWidth, Receipt } from '../lib/receiptModel'
import { loadPrintSettings } from '../services/printSettingsStorage'
import { PrintFailedError, printOnPaper, printReceipt } from '../services/receiptPrinter'
import { useErrorToast } from './useErrorToast'

/** Prints receipts from a screen, in the cashier's language, and says in words when the printer refuses. */
export function useReceiptPrinting(): {
  printing: Ref<boolean>
  print: (receipt: Receipt, paper?: PaperWidth) => Promise<void>
  /** Any paper-wide fragment (a shift handover), built for the paper in the settings. */
  printFragment: (build: (paper: PaperWidth) => string, title: string) => Promise<void>
  reportFailure: (error: unknown) => void
} {
  const { t, locale } = useI18n()
  const showError = useErrorToast()
  const printing = ref(false)
  const translate: Translate = (key, params) => t(key, params ?? {})

  function reportFailure(error: unknown): void {
    if (error instanceof PrintFailedError)
      ElMessage({ type: 'error', message: t('receiptPrint.failed', { reason: error.reason }), grouping: true })
    else showError(error)
  }

  function print(receipt: Receipt, paper?: PaperWidth): Promise<void> {
    return run(() => printReceipt(receipt, { t: translate, locale: locale.value }, paper))
  }

  function printFragment(build: (paper: PaperWidth) => string, title: string): Promise<void> {
    const paper = loadPrintSettings().paper
    return run(() => printOnPaper(build(paper), title, paper, locale.value))
  }

  async function run(task: () => Promise<void>): Promise<void> {
    if (printing.value) return
    printing.value = true
    try {
      await task()
      // A browser's own dialog says what happened; the desktop app prints without one.
      if (window.hutongPrint) ElMessage({ type: 'success', message: t('receiptPrint.sent'), grouping: true })
    } catch (error) {
      reportFailure(error)
    } finally {
      printing.value = false
    }
  }

  return { printing, print, printFragment, reportFailure }
}
