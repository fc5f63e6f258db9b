import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createEngine, createManualClock, DATABASE_FILE, type Engine } from '../../src/engine'
import { DEFAULT_ROTATION, listBackups, rotateBackups } from '../../src/engine/backup/backups'
import { tempDir } from '../support/engine'

const dirs: { path: string; remove(): void }[] = []
const engines: Engine[] = []
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close().catch(() => undefined)
  for (const dir of dirs.splice(0)) dir.remove()
})

function folder(): string {
  const dir = tempDir()
  dirs.push(dir)
  return dir.path
}

const clock = createManualClock(Date.parse('2026-11-30T02:00:00Z'))

function open(dataDir: string): Engine {
  const engine = createEngine({ dataDir, clock, sweepIntervalMs: 0, backups: true })
  engines.push(engine)
  return engine
}

async function closeEngine(engine: Engine): Promise<void> {
  engines.splice(engines.indexOf(engine), 1)
  await engine.close()
}

/** Orders in every state a shop has at the end of a day. */
async function aDayOfSales(engine: Engine): Promise<{ id: string; status: string; totalFen: number }[]> {
  for (let i = 1; i <= 5; i++) {
    const order = await engine.invoke('orders.create', { amountFen: 1000 * i })
    if (i % 2) await engine.invoke('payments.create', { id: order.id, wallet: 'cash', tenderedFen: 10_000 })
    if (i === 4) await engine.invoke('orders.cancel', { id: order.id })
  }
  return summary(engine)
}

async function summary(engine: Engine) {
  const { orders } = await engine.invoke('orders.list', { limit: 100 })
  return orders
    .map((o) => ({ id: o.id, status: o.status, totalFen: o.totalFen }))
    .sort((a, b) => (a.id < b.id ? -1 : 1))
}

const RESTORE_ENTRY = join(process.cwd(), 'out', 'main', 'restore.js')

describe('backups', () => {
  it('back up, lose the database, npm run restore, start: every order is back', async () => {
    const dataDir = folder()
    const engine = open(dataDir)
    const before = await aDayOfSales(engine)
    const backup = await engine.invoke('backups.run', {})
    const file = join(engine.backups.settings().folder, backup.name)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    await closeEngine(engine)

    for (const name of readdirSync(dataDir)) if (name.startsWith(DATABASE_FILE)) rmSync(join(dataDir, name))
    expect(existsSync(RESTORE_ENTRY), 'out/main/restore.js is built by npm test').toBe(true)
    const restore = spawnSync(process.execPath, [RESTORE_ENTRY, file], {
      env: { ...process.env, HUTONG_DATA_DIR: dataDir },
      encoding: 'utf8',
    })
    expect(restore.status, restore.stderr).toBe(0)
    expect(restore.stdout).toContain('intact, 5 orders')

    expect(await summary(open(dataDir))).toEqual(before)
  })

  it('a backup restored from the console replaces the books at the next start; the replaced ones are kept', async () => {
    const dataDir = folder()
    let engine = open(dataDir)
    const before = await aDayOfSales(engine)
    const backup = await engine.invoke('backups.run', {})
    await engine.invoke('orders.create', { amountFen: 777 })
    expect(await engine.invoke('backups.restore', { name: backup.name })).toMatchObject({
      orders: 5,
      restartNeeded: true,
    })
    // Until the restart the shop goes on with its books.
    expect(await summary(engine)).toHaveLength(6)
    await closeEngine(engine)
    engine = open(dataDir)
    expect(await summary(engine)).toEqual(before)
    expect(readdirSync(dataDir).some((name) => name.startsWith(`${DATABASE_FILE}.replaced-`))).toBe(true)
  })

  it('refuses a damaged or foreign file, and stages nothing', async () => {
    const engine = open(folder())
    const { folder: backupFolder } = engine.backups.settings()
    await engine.invoke('backups.run', {})
    const name = listBackups(backupFolder)[0]!.name
    writeFileSync(join(backupFolder, name), 'not a database at all, just bytes '.repeat(200))
    await expect(engine.invoke('backups.restore', { name })).rejects.toMatchObject({ code: 'BACKUP_INVALID' })
    expect(existsSync(join(engine.dataDir, 'restore-pending.sqlite'))).toBe(false)
    await expect(engine.invoke('backups.restore', { name: 'hutong-20990101-000000.sqlite' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
  })

  it('takes one at shutdown, and on schedule only when the newest is old enough', async () => {
    const dataDir = folder()
    let engine = open(dataDir)
    await engine.invoke('backups.configure', { folder: join(dataDir, 'elsewhere'), everyHours: 6 })
    expect(await engine.backups.runIfDue()).not.toBeNull()
    clock.advance(3600_000)
    expect(await engine.backups.runIfDue()).toBeNull()
    clock.advance(6 * 3600_000)
    expect(await engine.backups.runIfDue()).not.toBeNull()
    clock.advance(60_000)
    await closeEngine(engine)
    expect(listBackups(join(dataDir, 'elsewhere'))).toHaveLength(3)
    engine = open(dataDir)
    const listed = await engine.invoke('backups.list', {})
    expect(listed).toMatchObject({ folder: join(dataDir, 'elsewhere'), everyHours: 6 })
    expect(listed.backups).toHaveLength(3)
  })

  it('keeps the last day’s, the newest of each of the last 7 days and of each of the last 4 weeks', () => {
    const dir = folder()
    const start = Date.parse('2026-09-01T00:00:00Z')
    const day = 86_400_000
    // Three backups a day for 90 days.
    for (let d = 0; d < 90; d++) {
      for (const hour of [1, 9, 17]) {
        const iso = new Date(start + d * day + hour * 3600_000).toISOString()
        const name = `hutong-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}.sqlite`
        writeFileSync(join(dir, name), '')
      }
    }
    writeFileSync(join(dir, 'notes.txt'), 'not a backup')
    rotateBackups(dir)
    const kept = listBackups(dir)
    expect(kept.length).toBeLessThanOrEqual(3 + DEFAULT_ROTATION.daily + DEFAULT_ROTATION.weekly)
    const newest = start + 89 * day + 17 * 3600_000
    // The last 24 hours: all three of the last day, and the evening's of the day before.
    expect(kept.slice(0, 4).map((b) => (newest - b.takenAt) / 3600_000)).toEqual([0, 8, 16, 24])
    // One per day for the last seven days, each the day's last.
    const lastOfDay = kept.filter((b) => new Date(b.takenAt).getUTCHours() === 17)
    const days = lastOfDay.slice(0, 7).map((b) => new Date(b.takenAt).toISOString().slice(0, 13))
    expect(days).toEqual(
      [89, 88, 87, 86, 85, 84, 83].map((d) => new Date(start + d * day + 17 * 3600_000).toISOString().slice(0, 13)),
    )
    expect(kept.at(-1)!.takenAt).toBeLessThan(newest - 20 * day)
    expect(existsSync(join(dir, 'notes.txt'))).toBe(true)
  })
})
