import { inject, provide, type InjectionKey, type MaybeRefOrGetter, toValue } from 'vue'
import { useI18n } from 'vue-i18n'
import type { FormError } from '../lib/formErrors'

type ErrorText = (field: string) => string | null

const FORM_ERRORS: InjectionKey<ErrorText> = Symbol('formErrors')

/**
 * The words for the first error on a form field, or null. The FormFields inside the calling component
 * find their own error by field name.
 */
export function useFormErrors(errors: MaybeRefOrGetter<readonly FormError[]>): ErrorText {
  const { t } = useI18n()
  const errorText: ErrorText = (field) => {
    const error = toValue(errors).find((e) => e.field === field)
    if (!error) return null
    return error.message ?? t(`errors.form.${error.code}`)
  }
  provide(FORM_ERRORS, errorText)
  return errorText
}

/** The errors of the form a field sits in (none outside a form). */
export function useEnclosingFormErrors(): ErrorText {
  return inject(FORM_ERRORS, () => null)
}
