import { ElMessage } from 'element-plus'
import { useI18n } from 'vue-i18n'
import { EngineError } from '../../../shared/errors'

/** Shows a failed operation to the cashier in words, by error code. */
export function useErrorToast(): (error: unknown) => void {
  const { t, te } = useI18n()
  return (error: unknown) => {
    const code = error instanceof EngineError ? error.code : 'INTERNAL'
    // Unauthorized is handled by sending the console to the pairing screen.
    if (code === 'UNAUTHORIZED') return
    const key = `errors.codes.${code}`
    const message = te(key) ? t(key) : t('errors.generic', { message: code })
    ElMessage({ type: 'error', message, grouping: true })
  }
}
