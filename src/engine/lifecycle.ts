import { EngineError } from '../shared/errors'
import { errorFields, type Logger } from './logger'

/**
 * Work the engine has started and must finish before it closes (notifications, sibling closes, refunds, the
 * sweep), and the gate that refuses new work once closing has begun.
 */
export function createLifecycle(log: Logger) {
  const background = new Set<Promise<unknown>>()
  let closing = false
  const track = (work: Promise<unknown>): void => {
    background.add(work)
    // A reaction for either outcome: the caller of `work` handles its failure, this copy only notes the end.
    void work.then(
      () => background.delete(work),
      () => background.delete(work),
    )
  }
  return {
    track,
    closing: () => closing,
    /** Refuses new work from now on; returns false if closing had already begun. */
    beginClose(): boolean {
      if (closing) return false
      closing = true
      return true
    },
    /**
     * Once closing, nothing new starts; what is under way is waited for (it may be talking to a wallet). A `work`
     * that throws before it returns its promise answers with a rejected one, as an async function would.
     */
    whileOpen<A extends unknown[], R>(work: (...args: A) => Promise<R>) {
      return (...args: A): Promise<R> => {
        if (closing) return Promise.reject(new EngineError('INTERNAL', 'the engine is shutting down'))
        let running: Promise<R>
        try {
          running = work(...args)
        } catch (error) {
          return Promise.reject(error instanceof Error ? error : new Error(String(error)))
        }
        track(running)
        return running
      }
    },
    /** Waits until tracked work (and work it starts meanwhile) has finished. */
    async idle(more: () => Promise<void> = async () => undefined): Promise<void> {
      while (background.size || (await more(), background.size)) await Promise.allSettled([...background])
    },
    /** Starts a timer that runs `tick` every `intervalMs`; failures are logged, never thrown. */
    every(intervalMs: number, what: string, tick: () => Promise<void>): () => void {
      if (intervalMs <= 0) return () => undefined
      const timer = setInterval(() => {
        track(tick().catch((error: unknown) => log.error(errorFields(error), `${what} failed`)))
      }, intervalMs)
      timer.unref()
      return () => clearInterval(timer)
    },
  }
}

export type Lifecycle = ReturnType<typeof createLifecycle>
