import type { App } from 'electron'

export interface Closable {
  close(): Promise<void>
}

/** What is running when the app is asked to quit. */
export interface Running {
  server: Closable | null
  engine: Closable | null
}

/**
 * Holds quitting until the server has stopped taking requests and the engine has written its last changes, then
 * quits for real. A quit asked again meanwhile waits too. Open connections are cut at exit anyway; what matters
 * is the engine's books.
 */
export function closeBeforeQuit(app: Pick<App, 'on' | 'quit'>, running: () => Running, closed: () => void): void {
  let state: 'running' | 'closing' | 'closed' = 'running'
  app.on('before-quit', (event) => {
    if (state === 'closed') return
    if (state === 'closing') {
      event.preventDefault()
      return
    }
    const { server, engine } = running()
    if (!server && !engine) return
    event.preventDefault()
    state = 'closing'
    void (async () => {
      await server?.close().catch((error: unknown) => console.error(`[server] closing failed: ${String(error)}`))
      await engine?.close().catch((error: unknown) => {
        console.error(
          `[engine] the last changes could not be written: ${error instanceof Error ? error.message : String(error)}`,
        )
      })
      state = 'closed'
      closed()
      app.quit()
    })()
  })
}
