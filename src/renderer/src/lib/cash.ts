/** Cash at the counter: change and the quick tender buttons, in integer fen. */

/** Banknotes a cashier is commonly handed, in fen. */
const QUICK_NOTES_FEN = [5_000, 10_000] as const

/** The change to give, or null when the tender does not cover the total. */
export function changeFen(totalFen: number, tenderedFen: number): number | null {
  return tenderedFen >= totalFen ? tenderedFen - totalFen : null
}

/** Exact amount first, then the usual notes that cover the total. */
export function quickTenders(totalFen: number): number[] {
  return [totalFen, ...QUICK_NOTES_FEN.filter((note) => note > totalFen)]
}
