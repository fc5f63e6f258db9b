import type { ReconciliationRunView, ReconciliationWallet, RunStatus } from '../../../shared/api/reconciliationSchemas'

/** A wallet's state for one day, as the list and the day's header show it: a run's status, or not run yet. */
export type DayWalletStatus = RunStatus | 'not_run'

export type StatusTone = 'success' | 'waiting' | 'neutral'

/** Orange where something is to be done (the chips' red is too light on its tint for small text). */
export const DAY_WALLET_TONES: Record<DayWalletStatus, StatusTone> = {
  matched: 'success',
  discrepancies: 'waiting',
  not_available: 'neutral',
  failed: 'waiting',
  not_run: 'neutral',
}

/** What the wallet's file picker offers: WeChat Pay's trade bill is a CSV, Alipay's business statement a ZIP. */
export const BILL_FILE_TYPES: Record<ReconciliationWallet, string> = {
  wechat: '.csv,text/csv',
  alipay: '.zip,application/zip',
}

const DAY_MS = 86_400_000
const BEIJING_MS = 8 * 3600_000
const DATE = /^\d{4}-\d{2}-\d{2}$/

/** The calendar date in Beijing at `now` (bills are cut at Beijing midnight). */
export function beijingDate(now: number): string {
  return new Date(now + BEIJING_MS).toISOString().slice(0, 10)
}

export function isCalendarDate(value: string): boolean {
  return DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))
}

/** `count` days before `date`'s, newest first: the days whose bills can be out (today's never is). */
export function daysBefore(date: string, count: number): string[] {
  const start = Date.parse(`${date}T00:00:00Z`)
  return Array.from({ length: count }, (_, i) => new Date(start - (i + 1) * DAY_MS).toISOString().slice(0, 10))
}

/** The run of a day and wallet: the one updated last when the day was matched in more than one mode. */
export function runOf(
  runs: readonly ReconciliationRunView[],
  date: string,
  wallet: ReconciliationWallet,
): ReconciliationRunView | null {
  let found: ReconciliationRunView | null = null
  for (const run of runs) {
    if (run.date !== date || run.wallet !== wallet) continue
    if (!found || run.updatedAt > found.updatedAt) found = run
  }
  return found
}

export function openCount(run: ReconciliationRunView | null): number {
  return run ? run.discrepancies.filter((d) => d.status === 'open').length : 0
}

export function statusOf(run: ReconciliationRunView | null): DayWalletStatus {
  return run ? run.status : 'not_run'
}

/** A file's bytes in base64, in slices (one call on a few megabytes overflows the argument stack). */
export function bytesToBase64(bytes: Uint8Array): string {
  const SLICE = 0x8000
  let binary = ''
  for (let at = 0; at < bytes.length; at += SLICE) {
    binary += String.fromCharCode(...bytes.subarray(at, at + SLICE))
  }
  return btoa(binary)
}
