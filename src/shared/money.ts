/**
 * Money is an integer number of fen (1/100 yuan). Yuan strings exist only at the edges
 * that require them (display, Alipay's API). No floating point anywhere.
 */

/** ¥1,000,000.00 — far above any counter sale, far below Number.MAX_SAFE_INTEGER. */
export const MAX_AMOUNT_FEN = 100_000_000

export function isFen(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value)
}

/** 1234 → "12.34"; -5 → "-0.05". */
export function fenToYuanString(fen: number): string {
  if (!isFen(fen)) throw new TypeError(`not an integer amount of fen: ${String(fen)}`)
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(fen)
  const yuan = Math.trunc(abs / 100)
  const cents = abs % 100
  return `${sign}${yuan}.${cents.toString().padStart(2, '0')}`
}

/** 1234 → "¥12.34", with thousands separators for large sums. */
export function formatFen(fen: number): string {
  const plain = fenToYuanString(fen)
  const negative = plain.startsWith('-')
  const [whole, cents] = (negative ? plain.slice(1) : plain).split('.') as [string, string]
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${negative ? '-' : ''}¥${grouped}.${cents}`
}

const YUAN_PATTERN = /^(0|[1-9]\d{0,12})(?:\.(\d{1,2}))?$/

/** "12.3" → 1230; returns null for anything that is not a plain non-negative yuan amount. */
export function parseYuanToFen(text: string): number | null {
  const match = YUAN_PATTERN.exec(text.trim())
  if (!match) return null
  const whole = Number(match[1])
  const cents = Number((match[2] ?? '').padEnd(2, '0'))
  const fen = whole * 100 + cents
  return Number.isSafeInteger(fen) ? fen : null
}

/** quantity × unit price, refusing results that are not safe integers. */
export function multiplyFen(unitFen: number, quantity: number): number {
  const total = unitFen * quantity
  if (!Number.isSafeInteger(total)) throw new RangeError('amount overflow')
  return total
}
