import { join } from 'node:path'
import type { Database } from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/engine/db/open'
import { foldBalances, refoldBalances } from '../../src/engine/ledger/folds'
import { foldReportSums, refoldReportSums } from '../../src/engine/reports/sumFolds'
import { balances, post } from '../../src/engine/ledger/journal'
import { verifyBooks } from '../../src/engine/ledger/verify'
import { tempDir, testEngine } from '../support/engine'

let dir: ReturnType<typeof tempDir> | null = null
let db: Database | null = null
let t: ReturnType<typeof testEngine> | null = null
afterEach(async () => {
  db?.close()
  dir?.remove()
  await t?.dispose()
  db = dir = t = null
})

function books(): Database {
  dir = tempDir()
  db = openDatabase(join(dir.path, 'books.sqlite'))
  return db
}

const AT = Date.parse('2026-11-30T02:10:00Z')
const sale = (db: Database, fen: number, at = AT) =>
  post(db, {
    kind: 'sale',
    at,
    entries: [
      { account: 'unapplied', amountFen: fen },
      { account: 'sales', amountFen: -fen },
    ],
  })
function foldWholeJournal(db: Database): void {
  foldBalances(db)
  foldReportSums(db)
}
const soldInHour = (db: Database) =>
  db.prepare("SELECT n, fen FROM report_hours WHERE kind = 'sale' AND account = 'sales'").get()

describe('sums folded in from the journal', () => {
  it('take in each posting exactly once, however often they are folded', () => {
    const db = books()
    sale(db, 1200)
    sale(db, 800)
    foldWholeJournal(db)
    foldWholeJournal(db)
    expect(balances(db).get('sales')).toBe(-2000)
    sale(db, 50)
    foldWholeJournal(db)
    expect(balances(db).get('sales')).toBe(-2050)
    expect(balances(db).get('unapplied')).toBe(2050)
    expect(soldInHour(db)).toEqual({ n: 3, fen: -2050 })
  })

  it('a reader inside an open transaction sees its postings; a fold undone with it leaves its mark', () => {
    const db = books()
    sale(db, 1000)
    foldWholeJournal(db)
    expect(() =>
      db.transaction(() => {
        sale(db, 500)
        expect(balances(db).get('sales')).toBe(-1500)
        throw new Error('the group is lost')
      })(),
    ).toThrow('the group is lost')
    foldWholeJournal(db)
    expect(balances(db).get('sales')).toBe(-1000)
  })

  it('a journal summed afresh gives the same sums as folding it piece by piece', () => {
    const db = books()
    for (const [i, fen] of [300, 450, 1999, 1].entries()) {
      sale(db, fen, AT + i * 3_600_000)
      foldReportSums(db)
    }
    foldBalances(db)
    const hours = () => db.prepare('SELECT * FROM report_hours ORDER BY hour_at, kind, account').all()
    const pieceByPiece = hours()
    const balancesBefore = balances(db)
    refoldBalances(db)
    refoldReportSums(db)
    expect(hours()).toEqual(pieceByPiece)
    expect(balances(db)).toEqual(balancesBefore)
    expect(pieceByPiece).toHaveLength(4 * 3)
  })

  it('the engine folds every group it commits: the books check out after a sale without any reader folding', async () => {
    t = testEngine()
    const order = await t.engine.invoke('orders.create', { amountFen: 1880 })
    await t.engine.invoke('payments.create', { id: order.id, method: 'cash', wallet: 'cash', tenderedFen: 2000 })
    await t.engine.idle()
    const { through } = t.engine.db
      .prepare("SELECT through_txn AS through FROM journal_folds WHERE name = 'ledger_balances'")
      .get() as { through: number }
    const { last } = t.engine.db.prepare('SELECT MAX(id) AS last FROM journal_transactions').get() as { last: number }
    expect(through).toBe(last)
    expect(verifyBooks(t.engine.db)).toMatchObject({ ok: true })
    expect(balances(t.engine.db).get('sales')).toBe(-1880)
  })
})
