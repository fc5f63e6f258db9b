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
