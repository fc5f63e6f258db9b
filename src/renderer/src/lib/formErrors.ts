/**
 * What a form reports: each problem on the field it belongs to, with a code the form shows in words
 * (`errors.form.<code>`), or the engine's own words for what only the engine could find.
 */

export type FormErrorCode =
  | 'INVALID_PERCENT'
  | 'INVALID_AMOUNT'
  | 'MIN_ABOVE_MAX'
  | 'SPLIT_NOT_100'
  | 'DUPLICATE_ACCOUNT'
  | 'INVALID_ACCOUNT_ID'
  | 'REQUIRED'
  | 'NO_PERIODS'
  | 'INVALID_PREFIXES'
  | 'INVALID_LENGTHS'
  | 'OUT_OF_RANGE'
  | 'TOO_LONG'
  | 'INVALID_PHONE'
  | 'INVALID'
  | 'INVALID_URL'
  | 'INVALID_MCH_ID'
  | 'INVALID_WECHAT_APPID'
  | 'INVALID_ALIPAY_APPID'
  | 'INVALID_SERIAL'
  | 'INVALID_KEY_LENGTH'
  | 'INVALID_PEM'
  | 'KEY_UNREADABLE'
  | 'KEY_NOT_RSA'
  | 'KEY_TOO_SHORT'
  | 'TOO_MANY_KEYS'
  | 'INVALID_PIN'
  | 'SERVER'

export interface FormError {
  /** Dotted path of the field, e.g. "feeRate", "accounts.1.id", "huabei.feeRates.6". */
  field: string
  code: FormErrorCode
  /** The engine's own words, for problems only the engine found (code SERVER). */
  message?: string
}

export type FormResult<T> = { ok: true; value: T } | { ok: false; errors: FormError[] }

/** One problem per field, the first reported: a field shows one message at a time. */
export function firstPerField(errors: readonly FormError[]): FormError[] {
  const seen = new Set<string>()
  return errors.filter((e) => {
    if (seen.has(e.field)) return false
    seen.add(e.field)
    return true
  })
}

/**
 * Errors in the order a form lists its fields: path segments compare by their place in `order`
 * (unknown names last), row numbers as numbers, a field before the fields inside it.
 */
export function inFieldOrder(errors: readonly FormError[], order: readonly string[]): FormError[] {
  const rank = (segment: string): number => {
    if (/^\d+$/.test(segment)) return Number(segment)
    const i = order.indexOf(segment)
    return i < 0 ? order.length : i
  }
  const compare = (a: string, b: string): number => {
    const x = a.split('.')
    const y = b.split('.')
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const d = rank(x[i]!) - rank(y[i]!)
      if (d !== 0) return d
    }
    return x.length - y.length
  }
  return [...errors].sort((a, b) => compare(a.field, b.field))
}
