import { onBeforeUnmount, watch, type WatchSource } from 'vue'

/** Runs `task` every `intervalMs` while `active` is true (and the component is mounted). */
export function usePolling(active: WatchSource<boolean>, task: () => Promise<unknown>, intervalMs: number): void {
  let timer: ReturnType<typeof setInterval> | null = null
  let running = false

  function stop(): void {
    if (timer) clearInterval(timer)
    timer = null
  }

  watch(
    active,
    (isActive) => {
      stop()
      if (!isActive) return
      timer = setInterval(() => {
        if (running) return
        running = true
        task()
          .catch(() => undefined)
          .finally(() => (running = false))
      }, intervalMs)
    },
    { immediate: true },
  )
  onBeforeUnmount(stop)
}
