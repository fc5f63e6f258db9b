import { mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Database } from 'better-sqlite3'
import type {
  DiscrepancyView,
  ReconciliationRunView,
  ReconciliationWallet,
} from '../../shared/api/reconciliationSchemas'
import { EngineError } from '../../shared/errors'
import type { ProviderMode } from '../../shared/wallets'
import { toIso, type Clock } from '../clock'
import { appendAudit } from '../config/audit'
import { ensurePrivateFolder } from '../db/privateFiles'
import { getWalletConfig } from '../config/wallets'
import type { EventLog } from '../events/log'
import type { IdPrefix } from '../ids'
import { errorFields, type Logger } from '../logger'
import type { ProviderRegistry } from '../providers/registry'
import { readBillBatches } from './bills'
import { beijingDate } from './bills/amounts'
import type { BillFormat } from './bills/types'
import { matchBill, type Finding, type MatchResult } from './match'
import { BILL_FORMAT, billWindow, ourPayments, ourRefunds } from './ours'
import {
  deleteDiscrepancies,
  findRunRow,
  getRunRow,
  insertDiscrepancy,
  listDiscrepancyRows,
  listRunRows,
  saveRun,
  type DiscrepancyRow,
  type RunRow,
} from './queries'
import { describeDiscrepancy, describeReason, type Lang } from './words'

export interface ReconciliationContext {
  db: Database
  clock: Clock
  events: EventLog
  log: Logger
  newId: (prefix: IdPrefix) => string
  providers: ProviderRegistry
  /** A private folder for bills on their way in; each is deleted once read. */
  workDir: string
}

export interface BillKey {
  wallet: ReconciliationWallet
  date: string
  mode?: ProviderMode
}

function resolveKey(ctx: ReconciliationContext, key: BillKey): Required<BillKey> {
  if (key.date >= beijingDate(ctx.clock.now())) {
    throw new EngineError('BILL_NOT_AVAILABLE', `the bill of ${key.date} is not out yet`, { reason: 'too_early' })
  }
  return { ...key, mode: key.mode ?? getWalletConfig(ctx.db, key.wallet).mode }
}

/** Matches a bill file against our books of its day and keeps the findings; the file is not deleted here. */
export async function reconcileFile(
  ctx: ReconciliationContext,
  key: BillKey,
  file: { format: BillFormat; path: string },
  source: 'import' | 'download',
): Promise<RunRow> {
  const full = resolveKey(ctx, key)
  const expected = BILL_FORMAT[full.wallet]
  if (file.format !== expected) {
    throw new EngineError('BILL_INVALID', `a ${full.wallet} bill comes as ${expected}, not ${file.format}`)
  }
  const scope = { wallet: full.wallet, mode: full.mode, ...billWindow(full.date) }
  const books = { db: ctx.db, payments: ourPayments(ctx.db, scope), refunds: ourRefunds(ctx.db, scope) }
  const result = await matchBill(books, readBillBatches(file.format, file.path))
  return ctx.events.unitOfWork(() => keepResult(ctx, full, result, source))
}

/** The findings replace the run's earlier ones; a discrepancy already explained stays explained. */
function keepResult(
  ctx: ReconciliationContext,
  key: Required<BillKey>,
  result: MatchResult,
  source: 'import' | 'download',
): RunRow {
  const now = ctx.clock.now()
  const before = findRunRow(ctx.db, key)
  const explained = new Map(
    (before ? listDiscrepancyRows(ctx.db, before.id) : [])
      .filter((row) => row.status === 'explained')
      .map((row) => [findingKey(row), row]),
  )
  const run = saveRun(ctx.db, {
    ...{ id: before?.id ?? ctx.newId('rec'), wallet: key.wallet, date: key.date, mode: key.mode },
    ...{ status: result.findings.length === 0 ? 'matched' : 'discrepancies', source, reason: null },
    ...{ matched_count: result.matchedCount, bill: JSON.stringify(result.bill), created_at: now, updated_at: now },
  })
  deleteDiscrepancies(ctx.db, run.id)
  let open = 0
  for (const finding of result.findings) {
    const kept = explained.get(findingKey(toKeyParts(finding)))
    if (!kept) open += 1
    insertDiscrepancy(ctx.db, toRow(ctx.newId('dsc'), run.id, finding, kept ?? null, now))
  }
  if (open === 0 && result.findings.length > 0) saveRun(ctx.db, { ...run, status: 'matched', updated_at: now })
  appendAudit(ctx.db, {
    entity: 'reconciliation',
    entityId: `${key.wallet}:${key.date}:${key.mode}`,
    before: before ? { status: before.status, matched: before.matched_count } : null,
    after: { status: open === 0 ? 'matched' : 'discrepancies', matched: result.matchedCount, open, source },
    at: now,
  })
  return getRunRow(ctx.db, run.id) ?? run
}

function toKeyParts(finding: Finding): Pick<DiscrepancyRow, 'kind' | 'subject' | 'out_trade_no' | 'out_refund_no'> {
  return {
    kind: finding.kind,
    subject: finding.subject,
    out_trade_no: finding.outTradeNo,
    out_refund_no: finding.outRefundNo,
  }
}

function findingKey(row: Pick<DiscrepancyRow, 'kind' | 'subject' | 'out_trade_no' | 'out_refund_no'>): string {
  return [row.kind, row.subject, row.out_trade_no ?? '', row.out_refund_no ?? ''].join('|')
}

function toRow(id: string, runId: string, finding: Finding, kept: DiscrepancyRow | null, now: number): DiscrepancyRow {
  return {
    ...{ id, run_id: runId, ...toKeyParts(finding), order_id: finding.orderId },
    ...{ ours_fen: finding.oursFen, theirs_fen: finding.theirsFen, facts: JSON.stringify(finding.facts) },
    status: kept ? 'explained' : 'open',
    note: kept?.note ?? null,
    resolved_at: kept?.resolved_at ?? null,
    resolved_by: kept?.resolved_by ?? null,
    created_at: now,
  }
}

/** Fetches a day's bill through the wallet's API and matches it; a bill not out yet is recorded as such. */
export async function downloadAndReconcile(ctx: ReconciliationContext, key: BillKey): Promise<RunRow> {
  const full = { ...key, mode: key.mode ?? getWalletConfig(ctx.db, key.wallet).mode }
  const provider = ctx.providers.find(full.wallet, 'qr', full.mode)
  if (!provider?.downloadBill) return recordNoBill(ctx, full, 'not_available', 'no_downloads')
  ensurePrivateFolder(ctx.workDir)
  const dir = mkdtempSync(join(ctx.workDir, 'bill-'))
  try {
    resolveKey(ctx, full)
    const file = await provider.downloadBill({ wallet: full.wallet, date: full.date, dir })
    return await reconcileFile(ctx, full, file, 'download')
  } catch (error) {
    if (error instanceof EngineError && error.code === 'BILL_NOT_AVAILABLE') {
      const reason = (error.details as { reason?: unknown } | undefined)?.reason
      return recordNoBill(ctx, full, 'not_available', typeof reason === 'string' ? reason : 'creating')
    }
    ctx.log.warn({ wallet: full.wallet, date: full.date, ...errorFields(error) }, 'bill download failed')
    const code = error instanceof EngineError ? error.code : 'INTERNAL'
    const message = error instanceof Error ? error.message.slice(0, 200) : 'unknown'
    return recordNoBill(ctx, full, 'failed', `${code}:${message}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** A day with no bill to match: noted, unless the day was already matched (its findings stay). */
function recordNoBill(
  ctx: ReconciliationContext,
  key: Required<BillKey>,
  status: 'not_available' | 'failed',
  reason: string,
): RunRow {
  return ctx.events.unitOfWork(() => {
    const before = findRunRow(ctx.db, key)
    if (before && (before.status === 'matched' || before.status === 'discrepancies')) {
      throw new EngineError(
        status === 'failed' ? 'PROVIDER_ERROR' : 'BILL_NOT_AVAILABLE',
        `the bill could not be fetched again (${reason}); the earlier result stands`,
        { reason },
      )
    }
    const now = ctx.clock.now()
    return saveRun(ctx.db, {
      ...{ id: before?.id ?? ctx.newId('rec'), wallet: key.wallet, date: key.date, mode: key.mode, status },
      ...{ source: 'download', reason, matched_count: 0, bill: null, created_at: now, updated_at: now },
    })
  })
}

export function runView(db: Database, run: RunRow, lang: Lang): ReconciliationRunView {
  const wallet = run.wallet as ReconciliationWallet
  return {
    id: run.id,
    wallet,
    date: run.date,
    mode: run.mode as ProviderMode,
    status: run.status,
    source: run.source,
    reason: describeReason(run.reason, lang),
    matchedCount: run.matched_count,
    bill: run.bill === null ? null : (JSON.parse(run.bill) as ReconciliationRunView['bill']),
    discrepancies: listDiscrepancyRows(db, run.id).map((row) => discrepancyView(row, wallet, lang)),
    createdAt: toIso(run.created_at),
    updatedAt: toIso(run.updated_at),
  }
}

function discrepancyView(row: DiscrepancyRow, wallet: ReconciliationWallet, lang: Lang): DiscrepancyView {
  const { suggestedAction, actions } = describeDiscrepancy(row, wallet, lang)
  return {
    id: row.id,
    kind: row.kind,
    outTradeNo: row.out_trade_no,
    outRefundNo: row.out_refund_no,
    orderId: row.order_id,
    oursFen: row.ours_fen,
    theirsFen: row.theirs_fen,
    suggestedAction,
    // What can be done in one click is offered only while the discrepancy is open.
    actions: row.status === 'open' ? actions : [],
    status: row.status,
    note: row.note,
    resolvedAt: row.resolved_at === null ? null : toIso(row.resolved_at),
    resolvedBy: row.resolved_by,
  }
}

export function requireRun(db: Database, id: string): RunRow {
  const run = getRunRow(db, id)
  if (!run) throw new EngineError('RECONCILIATION_NOT_FOUND', `no reconciliation run ${id}`)
  return run
}

export function listRuns(db: Database, range: { from: string; to: string }): RunRow[] {
  return listRunRows(db, range)
}
