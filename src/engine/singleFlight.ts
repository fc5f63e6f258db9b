/**
 * Runs `work` one at a time. A call while a run is under way does not start a second run: it asks for
 * one more run after the current one (whose snapshot may have missed new work) and gets that run's promise.
 */
export function singleFlight(work: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null
  let again: Promise<void> | null = null

  const start = (): Promise<void> => {
    const run = work().finally(() => {
      running = null
    })
    running = run
    return run
  }

  return () => {
    if (!running) return start()
    again ??= running
      // The caller of the running flight gets its failure; this call only waits for it to end, then runs again.
      .catch(() => undefined)
      .then(() => {
        again = null
        return running ?? start()
      })
    return again
  }
}
