import { useI18n } from 'vue-i18n'
import { formatClock } from '../lib/datetime'
import { pinRefusal } from '../lib/pin'
import { useErrorText } from './useErrorToast'

/** A refused PIN in words — how many tries are left, until when the member is locked — or any other error's. */
export function usePinRefusalText(): (error: unknown) => string {
  const { t, locale } = useI18n()
  const errorText = useErrorText()
  return (error) => {
    const refusal = pinRefusal(error)
    if (refusal?.kind === 'incorrect') {
      return refusal.attemptsLeft === null
        ? t('staff.pin.incorrect')
        : t('staff.pin.incorrectLeft', { n: refusal.attemptsLeft })
    }
    if (refusal?.kind === 'locked') {
      return refusal.until === null
        ? t('staff.pin.locked')
        : t('staff.pin.lockedUntil', { time: formatClock(new Date(refusal.until), locale.value) })
    }
    if (refusal?.kind === 'unknownMember') return t('staff.pin.unknownMember')
    return errorText(error)
  }
}
