import { type MaybeRefOrGetter, toValue } from 'vue'
import { useI18n } from 'vue-i18n'
import type { FormError } from '../lib/formErrors'

/** The words for the first error on a form field, or null. */
export function useFormErrors(errors: MaybeRefOrGetter<readonly FormError[]>): (field: string) => string | null {
  const { t } = useI18n()
  return (field: string) => {
    const error = toValue(errors).find((e) => e.field === field)
    if (!error) return null
    return error.message ?? t(`errors.form.${error.code}`)
  }
}
