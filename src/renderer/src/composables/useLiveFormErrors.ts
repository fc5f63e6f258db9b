import { computed, ref, type Ref } from 'vue'
import type { FormError } from '../lib/formErrors'

/** The value at a dotted path of a draft ("accounts.1.feeRate"), as text to compare. */
export function valueAtPath(draft: unknown, path: string): string {
  let value: unknown = draft
  for (const key of path.split('.'))
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined
  return JSON.stringify(value) ?? ''
}

/**
 * The errors a form shows: none while the merchant types, then after a save the problems found, each only as
 * long as its field is still wrong. `check` validates the draft as it is now; a field that passes loses its
 * message at once. Problems only the engine found (`serverErrors`) stay until their field is changed.
 */
export function useLiveFormErrors<D>(
  draft: Ref<D>,
  check: (draft: D) => readonly FormError[],
  serverErrors: () => readonly FormError[] = () => [],
) {
  const attemptedFields = ref<ReadonlySet<string>>(new Set())
  const submitted = ref<string>('null')

  const local = computed(() =>
    attemptedFields.value.size === 0 ? [] : check(draft.value).filter((e) => attemptedFields.value.has(e.field)),
  )
  const server = computed(() => {
    const before = JSON.parse(submitted.value) as unknown
    return serverErrors().filter((e) => valueAtPath(draft.value, e.field) === valueAtPath(before, e.field))
  })
  const errors = computed(() => [...local.value, ...server.value])

  /** A save: what is wrong now is shown (and returned), and the draft sent is remembered. */
  function attempt(): readonly FormError[] {
    const found = check(draft.value)
    attemptedFields.value = new Set(found.map((e) => e.field))
    submitted.value = JSON.stringify(draft.value)
    return found
  }

  /** A fresh draft (saved or reverted): nothing to show. */
  function reset(): void {
    attemptedFields.value = new Set()
  }

  return { errors, attempt, reset }
}
