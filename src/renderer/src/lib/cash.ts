/** Cash at the counter: change and the quick tender buttons, in integer fen. */

/** The notes a customer hands over to cover a total, in fen. */
const NOTES_FEN = [2_000, 5_000, 10_000] as const
/** Amounts a customer rounds up to with several notes: the next ¥5, ¥10, ¥50 and ¥100. */
const ROUND_UP_FEN = [500, 1_000, 5_000, 10_000] as const
const MAX_QUICK_TENDERS = 4

/** The change to give, or null when the tender does not cover the total. */
export function changeFen(totalFen: number, tenderedFen: number): number | null {
  return tenderedFen >= totalFen ? tenderedFen - totalFen : null
}

function roundUp(totalFen: number, stepFen: number): number {
  return Math.ceil(totalFen / stepFen) * stepFen
}

/**
 * The exact amount first, then what a customer is likely to hand over, smallest first: the single notes (¥20,
 * ¥50, ¥100) above the total and the total rounded up to the next ¥5, ¥10, ¥50 and ¥100; at most four.
 * For ¥12.50: exact, ¥15, ¥20, ¥50, ¥100. For ¥132.50: exact, ¥135, ¥140, ¥150, ¥200.
 */
export function quickTenders(totalFen: number): number[] {
  const candidates = [...ROUND_UP_FEN.map((step) => roundUp(totalFen, step)), ...NOTES_FEN]
  const above = [...new Set(candidates.filter((fen) => fen > totalFen))].sort((a, b) => a - b)
  return [totalFen, ...above.slice(0, MAX_QUICK_TENDERS)]
}
