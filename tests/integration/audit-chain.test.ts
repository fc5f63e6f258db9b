import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { DATABASE_FILE } from '../../src/engine'
import { openDatabase } from '../../src/engine/db/open'
import { MIGRATIONS } from '../../src/engine/db/migrations'
import { testServer } from '../support/server'

let s: Awaited<ReturnType<typeof testServer>> | null = null
afterEach(async () => {
  await s?.dispose()
  s = null
})

/** A few sensitive actions: two configuration changes, a cancel. */
async function someHistory() {
  const wallets = (await s!.api('GET', '/api/wallets')).json.wallets as { wallet: string; maxFen: number }[]
  const wechat = wallets.find((w) => w.wallet === 'wechat')!
  await s!.api('POST', '/api/wallets/wechat', { ...wechat, maxFen: 100_000 })
  await s!.api('POST', '/api/wallets/wechat', { ...wechat, maxFen: 200_000 })
  const order = (await s!.api('POST', '/api/orders', { amountFen: 300 })).json
  await s!.api('POST', `/api/orders/${order.id}/cancel`)
  return order.id as string
}

/** Another program changing the database file directly (the app's own triggers dropped first). */
function tamper(sql: string): void {
  const db = new BetterSqlite3(join(s!.dir, DATABASE_FILE))
  db.exec('DROP TRIGGER IF EXISTS audit_is_append_only_update; DROP TRIGGER IF EXISTS audit_is_append_only_delete;')
  db.exec(sql)
  db.close()
}

describe('the tamper-evident audit log', () => {
  it('chains every sensitive action and says the chain is intact', async () => {
    s = await testServer()
    const orderId = await someHistory()
    const entries = (await s.api('GET', '/api/audit')).json.entries as { entity: string; entityId: string }[]
    expect(entries.map((e) => e.entity)).toEqual(['order', 'wallet', 'wallet'])
    expect(entries[0]!.entityId).toBe(orderId)
    const verified = await s.api('GET', '/api/audit/verify')
    expect(verified.status).toBe(200)
    expect(verified.json).toMatchObject({ intact: true, checked: 3, brokenAt: null })
    expect(verified.json.headHash).toMatch(/^[0-9a-f]{64}$/)
  })

  it('finds an edited entry and says where', async () => {
    s = await testServer()
    await someHistory()
    tamper(`UPDATE audit_log SET after = replace(after, '200000', '900000') WHERE seq = 2`)
    const verified = (await s.api('GET', '/api/audit/verify')).json
    expect(verified).toMatchObject({ intact: false, checked: 1, brokenAt: { seq: 2, reason: 'edited' } })
  })

  it('finds a removed entry: the next one no longer links', async () => {
    s = await testServer()
    await someHistory()
    tamper('DELETE FROM audit_log WHERE seq = 1')
    const verified = (await s.api('GET', '/api/audit/verify')).json
    expect(verified).toMatchObject({ intact: false, brokenAt: { seq: 2, reason: 'unlinked' } })
  })

  it('refuses edits through SQLite itself while the triggers stand', async () => {
    s = await testServer()
    await someHistory()
    expect(() => s!.engine.db.prepare("UPDATE audit_log SET after = '{}' WHERE seq = 1").run()).toThrow(/append-only/)
  })

  it('chains entries written before the chain existed, in order', async () => {
    s = await testServer()
    const file = join(s.dir, 'old.sqlite')
    const old = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version < 10) })
    const insert = old.prepare('INSERT INTO audit_log (entity, entity_id, before, after, at) VALUES (?, ?, ?, ?, ?)')
    insert.run('wallet', 'wechat', null, '{"maxFen":1}', 1)
    insert.run('routing', 'store', '{}', '{"x":2}', 2)
    old.close()
    const upgraded = openDatabase(file)
    const rows = upgraded.prepare('SELECT prev_hash, hash FROM audit_log ORDER BY seq').all() as {
      prev_hash: string
      hash: string
    }[]
    upgraded.close()
    expect(rows[0]!.prev_hash).toBe('0'.repeat(64))
    expect(rows[1]!.prev_hash).toBe(rows[0]!.hash)
    expect(rows[1]!.hash).toMatch(/^[0-9a-f]{64}$/)
  })
})
