import { describe, expect, it } from 'vitest'
import { singleFlight } from '../../src/engine/singleFlight'

describe('singleFlight', () => {
  it('runs again after a run that had nothing to do (no stale promise)', async () => {
    let runs = 0
    const run = singleFlight(async () => {
      runs++
    })
    await run()
    await run()
    expect(runs).toBe(2)
  })

  it('never overlaps, and a call during a run gets one more run after it', async () => {
    let active = 0
    let maxActive = 0
    let runs = 0
    let release: () => void = () => undefined
    const run = singleFlight(async () => {
      runs++
      active++
      maxActive = Math.max(maxActive, active)
      await new Promise<void>((resolve) => (release = resolve))
      active--
    })
    const first = run()
    const second = run()
    const third = run()
    expect(second).toBe(third)
    release()
    await first
    await new Promise((resolve) => setTimeout(resolve, 0))
    release()
    await second
    expect(runs).toBe(2)
    expect(maxActive).toBe(1)
  })
})
