import type { Database } from 'better-sqlite3'
import type { Clock } from '../clock'
import { listWalletConfigs } from '../config/wallets'
import type { EventLog } from '../events/log'
import type { IdPrefix } from '../ids'

export interface StaffContext {
  db: Database
  clock: Clock
  events: EventLog
  newId: (prefix: IdPrefix) => string
}

/** The demo store's PINs are published: they are shown, and good enough, only while no real wallet is live. */
export function everyWalletSimulated(ctx: StaffContext): boolean {
  return listWalletConfigs(ctx.db).every((config) => config.mode === 'simulator')
}
