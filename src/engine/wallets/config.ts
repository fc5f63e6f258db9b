import type { Database } from 'better-sqlite3'
import type { WalletConfig } from '../../shared/api/types'
import type { ContractStatus, ProviderMode, WalletId } from '../../shared/wallets'

interface WalletConfigRow {
  wallet: WalletId
  accepted: number
  contract_status: ContractStatus
  mode: ProviderMode
  display_order: number
}

export function listWalletConfigs(db: Database): WalletConfig[] {
  const rows = db.prepare('SELECT * FROM wallet_configs ORDER BY display_order, wallet').all() as WalletConfigRow[]
  return rows.map((row) => ({
    wallet: row.wallet,
    accepted: row.accepted === 1,
    contractStatus: row.contract_status,
    mode: row.mode,
    displayOrder: row.display_order,
  }))
}

export function saveWalletConfig(db: Database, config: WalletConfig, now: number): void {
  db.prepare(
    `INSERT INTO wallet_configs (wallet, accepted, contract_status, mode, display_order, updated_at)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (wallet) DO UPDATE SET accepted = excluded.accepted, contract_status = excluded.contract_status,
       mode = excluded.mode, display_order = excluded.display_order, updated_at = excluded.updated_at`,
  ).run(config.wallet, config.accepted ? 1 : 0, config.contractStatus, config.mode, config.displayOrder, now)
}
