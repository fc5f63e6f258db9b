/**
 * Which tab a key moves to in a horizontal tab list (WAI-ARIA tabs pattern): the arrows step and wrap
 * around, Home and End jump to the ends; null for any other key.
 */
export function tabKeyTarget(key: string, index: number, count: number): number | null {
  if (count <= 0) return null
  if (key === 'ArrowRight') return (index + 1) % count
  if (key === 'ArrowLeft') return (index - 1 + count) % count
  if (key === 'Home') return 0
  if (key === 'End') return count - 1
  return null
}
