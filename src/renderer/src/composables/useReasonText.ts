import { useI18n } from 'vue-i18n'
import { reasonKeys } from '../lib/errorText'

/** A failure code or ending reason in words; an unknown code is shown as itself inside a generic phrase. */
export function useReasonText(): (code: string) => string {
  const { t, te } = useI18n()
  return (code: string) => {
    const key = reasonKeys(code).find((k) => te(k))
    return t(key ?? 'failures.unknown', { code })
  }
}
