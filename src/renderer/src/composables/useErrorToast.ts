import { ElMessage } from 'element-plus'
import { useI18n } from 'vue-i18n'
import { EngineError } from '../../../shared/errors'
import { errorMessageRef } from '../lib/errorText'

/** An error in words, by code (and details where they make it more precise). */
export function useErrorText(): (error: unknown) => string {
  const { t, te } = useI18n()
  return (error: unknown) => {
    const ref = errorMessageRef(error)
    const params = { ...ref.params }
    // A wallet is named in the cashier's language.
    if (typeof params.wallet === 'string' && te(`wallets.${params.wallet}`))
      params.wallet = t(`wallets.${params.wallet}`)
    if (te(ref.key)) return t(ref.key, params)
    const code = error instanceof EngineError ? error.code : 'INTERNAL'
    return t('errors.generic', { message: code })
  }
}

const SCREEN_CHANGING_CODES: readonly string[] = ['UNAUTHORIZED', 'SESSION_EXPIRED', 'PIN_CHANGE_REQUIRED']

/** Shows a failed operation to the cashier in words, by error code. */
export function useErrorToast(): (error: unknown) => void {
  const errorText = useErrorText()
  return (error: unknown) => {
    // These send the console to the pairing or sign-in screen, which says why (services/connection).
    if (error instanceof EngineError && SCREEN_CHANGING_CODES.includes(error.code)) return
    ElMessage({ type: 'error', message: errorText(error), grouping: true })
  }
}
