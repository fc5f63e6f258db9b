import { onBeforeUnmount, onMounted, readonly, ref, type Ref } from 'vue'

/** The window's inner size in CSS pixels, kept current as the window is resized. */
export function useViewportSize(): Readonly<{ width: Ref<number>; height: Ref<number> }> {
  const width = ref(window.innerWidth)
  const height = ref(window.innerHeight)
  function update(): void {
    width.value = window.innerWidth
    height.value = window.innerHeight
  }
  onMounted(() => window.addEventListener('resize', update))
  onBeforeUnmount(() => window.removeEventListener('resize', update))
  return { width: readonly(width), height: readonly(height) }
}
