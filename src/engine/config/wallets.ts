import { prepared } from '../db/prepared'
import type { Database } from 'better-sqlite3'
import type { WalletConfig } from '../../shared/api/types'
import { WALLET_IDS, type ContractStatus, type ProviderMode, type WalletId } from '../../shared/wallets'
import { appendAudit } from './audit'
import { defaultWalletConfig } from './defaults'
import { present } from '../../shared/assert'

interface WalletConfigRow {
  wallet: WalletId
  accepted: number
  contract_status: ContractStatus
  mode: ProviderMode
  display_order: number
  settings: string
}

// Configuration is read on every routing decision and written only through saveWalletConfig: keep it parsed.
const cache = new WeakMap<Database, WalletConfig[]>()

/** Every wallet of the catalogue, as configured (defaults for what the merchant never set). Do not mutate. */
export function listWalletConfigs(db: Database): WalletConfig[] {
  let configs = cache.get(db)
  if (!configs) cache.set(db, (configs = readWalletConfigs(db)))
  return configs
}

function readWalletConfigs(db: Database): WalletConfig[] {
  const rows = prepared(db, 'SELECT * FROM wallet_configs').all() as WalletConfigRow[]
  const byWallet = new Map(rows.map((row) => [row.wallet, row]))
  return WALLET_IDS.map((wallet) => {
    const row = byWallet.get(wallet)
    const defaults = defaultWalletConfig(wallet)
    if (!row) return defaults
    const settings = JSON.parse(row.settings) as Partial<WalletConfig>
    return {
      ...defaults,
      ...settings,
      wallet,
      accepted: row.accepted === 1,
      contractStatus: row.contract_status,
      mode: row.mode,
      displayOrder: row.display_order,
    }
  }).sort((a, b) => a.displayOrder - b.displayOrder || WALLET_IDS.indexOf(a.wallet) - WALLET_IDS.indexOf(b.wallet))
}

/** Drops the in-memory copy (after a lost commit the stored configuration is read again). */
export function forgetWalletConfigs(db: Database): void {
  cache.delete(db)
}

export function getWalletConfig(db: Database, wallet: WalletId): WalletConfig {
  return present(
    listWalletConfigs(db).find((c) => c.wallet === wallet),
    `the configuration of ${wallet}`,
  )
}

/** Writes a wallet's whole configuration; with `audit`, records before and after. Call inside a transaction. */
export function saveWalletConfig(db: Database, config: WalletConfig, now: number, audit = true): void {
  const before = audit ? getWalletConfig(db, config.wallet) : undefined
  const { wallet, accepted, contractStatus, mode, displayOrder, ...settings } = config
  prepared(
    db,
    `INSERT INTO wallet_configs (wallet, accepted, contract_status, mode, display_order, updated_at, settings)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (wallet) DO UPDATE SET accepted = excluded.accepted, contract_status = excluded.contract_status,
       mode = excluded.mode, display_order = excluded.display_order, updated_at = excluded.updated_at,
       settings = excluded.settings`,
  ).run(wallet, accepted ? 1 : 0, contractStatus, mode, displayOrder, now, JSON.stringify(settings))
  cache.delete(db)
  // A rolled-back transaction must not leave a stale cache behind either.
  if (db.inTransaction) queueMicrotask(() => cache.delete(db))
  if (audit) appendAudit(db, { entity: 'wallet', entityId: wallet, before, after: config, at: now })
}
