import { formatFen } from '../../../shared/money'
import { INTEGRATION_PRINCIPAL } from '../../../shared/staff'
import { formatBpAsPercent } from './rates'

/** The top-level fields whose value differs between two versions of a configuration object. */
export function changedFields(before: unknown, after: unknown): string[] {
  const a = asRecord(before)
  const b = asRecord(after)
  if (!a || !b) return []
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])]
  return keys.filter((key) => key !== 'wallet' && stableJson(a[key]) !== stableJson(b[key]))
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null
}

/** JSON with object keys sorted, so key order never reads as a change. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`
  const record = asRecord(value)
  if (record) {
    return `{${Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableJson(record[key])}`)
      .join(',')}}`
  }
  return JSON.stringify(value) ?? 'undefined'
}

/** One field an audit entry changed, with its value before and after (undefined: it was not there). */
export interface FieldChange {
  field: string
  before: unknown
  after: unknown
}

/** Fields whose objects are compared field by field (product rules, Huabei…); others compare whole. */
const NESTED = new Set(['productRules', 'huabei', 'ranking', 'accountHealth', 'friendPay'])

/** What an entry changed, field by field ("productRules.onlyCategories"), in the object's own order. */
export function fieldChanges(before: unknown, after: unknown): FieldChange[] {
  const a = asRecord(before) ?? {}
  const b = asRecord(after) ?? {}
  const changes: FieldChange[] = []
  for (const field of changedFields(a, b)) {
    const [x, y] = [a[field], b[field]]
    if (NESTED.has(field) && asRecord(x) && asRecord(y)) {
      for (const inner of fieldChanges(x, y)) changes.push({ ...inner, field: `${field}.${inner.field}` })
    } else changes.push({ field, before: x, after: y })
  }
  return changes
}

/** How a value is written in the log: money as ¥, rates as %, lists joined; a key for words the locale has. */
export type AuditValue = { text: string } | { key: string; params?: Record<string, string | number> }

const FEN_FIELD = /Fen$/
const BP_FIELD = /Bp$|feeRatesBp\.\d+$/

export function auditValue(field: string, value: unknown): AuditValue {
  if (value === undefined || value === null) return { key: 'settings.audit.value.none' }
  if (typeof value === 'boolean') return { key: value ? 'settings.audit.value.on' : 'settings.audit.value.off' }
  if (typeof value === 'number' && FEN_FIELD.test(field)) return { text: formatFen(value) }
  if (typeof value === 'number' && BP_FIELD.test(field)) return { text: `${formatBpAsPercent(value)}%` }
  if (typeof value === 'number' && /Percent$/.test(field)) return { text: `${value}%` }
  if (Array.isArray(value)) {
    if (value.length === 0) return { key: 'settings.audit.value.empty' }
    if (value.every((v) => typeof v !== 'object' || v === null)) return { text: value.join('、') }
    return { key: 'settings.audit.value.items', params: { n: value.length } }
  }
  if (asRecord(value)) return { text: stableJson(value) }
  return { text: String(value) }
}

/** Who made a change: a staff member (by id), the integrator's token, or the engine itself. */
export type AuditActor = { kind: 'staff'; id: string } | { kind: 'integration' } | { kind: 'system' }

export function auditActor(actor: string | null): AuditActor {
  if (actor === null) return { kind: 'system' }
  if (actor === INTEGRATION_PRINCIPAL) return { kind: 'integration' }
  return { kind: 'staff', id: actor }
}
