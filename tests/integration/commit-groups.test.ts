import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { createCommitGroups } from '../../src/engine/db/commitGroups'
import { keptPerDatabase } from '../../src/engine/db/kept'
import { openDatabase } from '../../src/engine/db/open'

let dir: string | null = null
const open: BetterSqlite3.Database[] = []
afterEach(() => {
  for (const db of open.splice(0)) db.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = null
})

function books(): { db: BetterSqlite3.Database; committed: () => string[] } {
  dir = mkdtempSync(join(tmpdir(), 'hutong-groups-'))
  const file = join(dir, 'books.sqlite')
  const db = openDatabase(file, { migrations: [] })
  db.exec('CREATE TABLE t (id TEXT PRIMARY KEY)')
  const reader = new BetterSqlite3(file, { readonly: true })
  open.push(db, reader)
  const committed = () => (reader.prepare('SELECT id FROM t ORDER BY id').all() as { id: string }[]).map((r) => r.id)
  return { db, committed }
}

describe('commit groups: one statement without a savepoint of its own', () => {
  it('a statement that fails halfway is undone whole; the group keeps the rest and commits it', async () => {
    const { db, committed } = books()
    let undone = 0
    const groups = createCommitGroups(db, { onRollback: () => undone++ })
    const insert = db.prepare('INSERT INTO t (id) VALUES (?), (?)')
    groups.run(() => insert.run('a', 'b'))
    // The second row collides: the first row of the same statement must not stay behind.
    expect(() => groups.runStatement(() => insert.run('c', 'a'))).toThrow(/UNIQUE/)
    expect(undone).toBe(1)
    groups.runStatement(() => insert.run('d', 'e'))
    expect(committed()).toEqual([])
    await groups.durable()
    expect(committed()).toEqual(['a', 'b', 'd', 'e'])
    expect(groups.stats()).toMatchObject({ committed: 1, lost: 0 })
  })
})

describe('commit groups: work that checks before it writes runs without a savepoint', () => {
  it('a refusal before the first write leaves the group whole; a failure after one loses the group, and says so', async () => {
    const { db, committed } = books()
    const groups = createCommitGroups(db)
    const insert = db.prepare('INSERT INTO t (id) VALUES (?)')
    groups.run(() => insert.run('a'))
    const refused = new Error('refused before writing')
    expect(() =>
      groups.runChecked(() => {
        throw refused
      }),
    ).toThrow(refused)
    groups.runChecked(() => insert.run('b'))
    await groups.durable()
    expect(committed()).toEqual(['a', 'b'])

    const mark = groups.mark()
    groups.run(() => insert.run('c'))
    let thrown: unknown
    try {
      groups.runChecked(() => {
        insert.run('d')
        throw new Error('a bug after a write')
      })
    } catch (error) {
      thrown = error
    }
    expect(thrown).toMatchObject({ message: 'a bug after a write' })
    await expect(groups.durable(mark)).rejects.toMatchObject({ code: 'STORAGE_FAILED' })
    groups.runChecked(() => insert.run('e'))
    await groups.durable()
    expect(committed()).toEqual(['a', 'b', 'e'])
    expect(groups.stats()).toMatchObject({ committed: 2, lost: 1 })
  })

  it('inside a plain transaction its caller commits, a failure after a write is undone alone', () => {
    const { db, committed } = books()
    const groups = createCommitGroups(db)
    const insert = db.prepare('INSERT INTO t (id) VALUES (?)')
    db.transaction(() => {
      groups.run(() => insert.run('a'))
      expect(() =>
        groups.runChecked(() => {
          insert.run('b')
          throw new Error('undone alone')
        }),
      ).toThrow('undone alone')
    })()
    expect(committed()).toEqual(['a'])
  })
})

describe('rows kept per database', () => {
  it('keeps at least the last `limit` values, forgets one or all, and keeps each database apart', () => {
    const { db } = books()
    const other = new BetterSqlite3(':memory:')
    open.push(other)
    const kept = keptPerDatabase<number>(4)
    for (let i = 0; i < 20; i++) kept.keep(db, `k${i}`, i)
    for (let i = 16; i < 20; i++) expect(kept.get(db, `k${i}`)).toBe(i)
    const held = Array.from({ length: 20 }, (_, i) => kept.get(db, `k${i}`)).filter((v) => v !== undefined)
    expect(held.length).toBeLessThanOrEqual(8)
    kept.keep(db, 'k17', 170)
    expect(kept.get(db, 'k17')).toBe(170)
    kept.forget(db, 'k17')
    expect(kept.get(db, 'k17')).toBeUndefined()
    expect(kept.get(other, 'k19')).toBeUndefined()
    kept.keep(other, 'k19', -1)
    kept.forgetAll(db)
    expect(kept.get(db, 'k19')).toBeUndefined()
    expect(kept.get(other, 'k19')).toBe(-1)
  })
})
