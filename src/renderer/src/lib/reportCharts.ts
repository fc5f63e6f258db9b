import { formatFen } from '../../../shared/money'

/** The reports' colours: the brand orange first, then distinct hues that read on white. */
export const REPORT_PALETTE = ['#ff5000', '#2b62c4', '#1aad19', '#f5a300', '#8e44ad', '#13a8a8', '#8c8c8c']

/** An axis or tooltip value in fen, shown as yuan; a whole-yuan axis needs no decimals. */
export function fenLabel(value: unknown): string {
  const fen = typeof value === 'number' ? value : Number(value)
  return Number.isFinite(fen) ? formatFen(Math.round(fen)) : ''
}

export function fenAxisLabel(value: number): string {
  return fenLabel(value).replace(/\.00$/, '')
}
