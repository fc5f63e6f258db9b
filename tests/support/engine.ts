import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEngine, createManualClock, type Engine, type EngineOptions } from '../../src/engine'
import { collectingLogger } from './logger'

export const START = Date.parse('2026-11-21T02:00:00Z')

export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'hutong-test-'))
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) }
}

/** An engine on a real SQLite file in a temp folder, with a manual clock and no background timer. */
export function testEngine(overrides: Partial<EngineOptions> = {}) {
  const dir = tempDir()
  const clock = createManualClock(START)
  const log = collectingLogger()
  const engine: Engine = createEngine({
    dataDir: dir.path,
    clock,
    sweepIntervalMs: 0,
    publicBaseUrl: 'http://127.0.0.1:5999',
    logger: log,
    ...overrides,
  })
  return {
    engine,
    clock,
    /** What the engine logged. */
    log,
    dir: dir.path,
    async dispose() {
      await engine.close()
      dir.remove()
    },
  }
}

/** A unit of work whose commit will fail: a deferred foreign-key violation stands in for a full or failing disk. */
export function poisonOpenGroup(engine: Engine): void {
  engine.events.unitOfWork(() => {
    engine.db.pragma('defer_foreign_keys = ON')
    engine.db
      .prepare(
        "INSERT INTO order_lines (id, order_id, position, product_id, sku, name, unit_price_fen, quantity, amount_fen) VALUES ('lin_x', 'ord_missing', 0, NULL, NULL, 'x', 1, 1, 1)",
      )
      .run()
  })
}
