import { randomBytes } from 'node:crypto'
import { createWriteStream, rmSync } from 'node:fs'
import { join } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { RECONCILIATION_WALLETS, type ReconciliationRunView } from '../../shared/api/reconciliationSchemas'
import { EngineError } from '../../shared/errors'
import { getWalletConfig } from '../config/wallets'
import { ensurePrivateFolder } from '../db/privateFiles'
import type { PaymentService } from '../payments/service'
import { MAX_BILL_BYTES } from '../providers/billDownload'
import { runAs, SYSTEM } from '../staff/principal'
import { BILL_FORMAT } from './ours'
import { findRunRow } from './queries'
import { runRange } from './range'
import { resolveDiscrepancy, type ResolveInput } from './resolve'
import { beijingDate } from './bills/amounts'
import {
  downloadAndReconcile,
  listRuns,
  reconcileFile,
  requireRun,
  runView,
  type BillKey,
  type ReconciliationContext,
} from './service'
import type { Principal } from '../staff/principal'
import type { Lang } from './words'

/** Bills are published for the previous day from 10:00 Beijing time. */
const BILLS_OUT_HOUR = 10
const RETRY_AFTER_MS = 3600_000
const UPLOAD_ID = /^upl_[0-9a-f]{32}$/

function capped(limit: number): Transform {
  let seen = 0
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length
      if (seen > limit) done(new EngineError('PAYLOAD_TOO_LARGE', `a bill may not exceed ${limit} bytes`))
      else done(null, chunk)
    },
  })
}

function decode(base64: string): Buffer {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) throw new EngineError('VALIDATION_FAILED', 'fileBase64 is not base64')
  return Buffer.from(base64, 'base64')
}

export type ReconciliationDeps = ReconciliationContext & { payments: PaymentService }

/** Reconciliation against the wallets' bills, bound to its context. */
export function createReconciliationService(ctx: ReconciliationDeps) {
  const fileOf = (uploadId: string): string => {
    if (!UPLOAD_ID.test(uploadId)) throw new EngineError('VALIDATION_FAILED', 'unknown upload id')
    return join(ctx.workDir, `${uploadId}.bill`)
  }
  /** Saves a bill as it streams in (the HTTP body); returns the id an import names it by. */
  const receive = async (body: Readable): Promise<string> => {
    const id = `upl_${randomBytes(16).toString('hex')}`
    ensurePrivateFolder(ctx.workDir)
    try {
      await pipeline(body, capped(MAX_BILL_BYTES), createWriteStream(fileOf(id), { mode: 0o600 }))
    } catch (error) {
      rmSync(fileOf(id), { force: true })
      throw error
    }
    return id
  }
  return {
    receive,
    discard: (uploadId: string) => rmSync(fileOf(uploadId), { force: true }),
    /** Matches an uploaded bill (or one sent in base64) and deletes the file. */
    async importBill(
      key: BillKey,
      file: { uploadId: string } | { base64: string },
      lang: Lang,
    ): Promise<ReconciliationRunView> {
      const uploadId = 'uploadId' in file ? file.uploadId : await receive(Readable.from([decode(file.base64)]))
      try {
        const format = BILL_FORMAT[key.wallet]
        const run = await reconcileFile(ctx, key, { format, path: fileOf(uploadId) }, 'import')
        return runView(ctx.db, run, lang)
      } finally {
        rmSync(fileOf(uploadId), { force: true })
      }
    },
    async download(key: BillKey, lang: Lang): Promise<ReconciliationRunView> {
      return runView(ctx.db, await downloadAndReconcile(ctx, key), lang)
    },
    async downloadAgain(id: string, lang: Lang): Promise<ReconciliationRunView> {
      const run = requireRun(ctx.db, id)
      const key = { wallet: run.wallet as BillKey['wallet'], date: run.date, mode: run.mode as BillKey['mode'] }
      return runView(ctx.db, await downloadAndReconcile(ctx, key), lang)
    },
    get: (id: string, lang: Lang) => runView(ctx.db, requireRun(ctx.db, id), lang),
    list: (filter: { date?: string; from?: string; to?: string }, lang: Lang) =>
      listRuns(ctx.db, runRange(filter, ctx.clock.now())).map((run) => runView(ctx.db, run, lang)),
    async resolve(principal: Principal, input: ResolveInput): Promise<ReconciliationRunView> {
      const row = await resolveDiscrepancy(ctx, principal, input)
      return runView(ctx.db, requireRun(ctx.db, row.run_id), input.lang)
    },
    /** The daily run: yesterday's bill of every wallet with real credentials, once it is out. */
    runDue: () => runAs(SYSTEM, () => reconcileDue(ctx)),
  }
}

export type ReconciliationService = ReturnType<typeof createReconciliationService>

async function reconcileDue(ctx: ReconciliationDeps): Promise<void> {
  const now = ctx.clock.now()
  const beijingHour = new Date(now + 8 * 3600_000).getUTCHours()
  if (beijingHour < BILLS_OUT_HOUR) return
  const date = beijingDate(now - 24 * 3600_000)
  for (const wallet of RECONCILIATION_WALLETS) {
    const mode = getWalletConfig(ctx.db, wallet).mode
    if (mode === 'simulator' || !ctx.providers.find(wallet, 'qr', mode)?.downloadBill) continue
    const run = findRunRow(ctx.db, { wallet, date, mode })
    if (run && (run.status === 'matched' || run.status === 'discrepancies')) continue
    if (run && now - run.updated_at < RETRY_AFTER_MS) continue
    await downloadAndReconcile(ctx, { wallet, date, mode })
  }
}
