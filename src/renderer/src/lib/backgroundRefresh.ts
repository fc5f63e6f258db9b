/**
 * The catch of a refresh nobody waits for (after an event, on opening a screen): the screen keeps what it shows,
 * the offline banner speaks to the cashier, and the failure is kept in the console for support.
 */
export function loggedAs(where: string): (error: unknown) => void {
  return (error) => console.warn(`[${where}] a background refresh failed:`, error)
}
