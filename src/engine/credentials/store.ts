import type { Database } from 'better-sqlite3'
import type { z } from 'zod'
import type { CredentialsStatus } from '../../shared/api/schemas'
import { EngineError } from '../../shared/errors'
import type { CredentialsInput, CredentialWallet } from '../../shared/providers'
import { toIsoOrNull } from '../clock'
import { appendAudit } from '../config/audit'
import { prepared } from '../db/prepared'
import type { GatewayMode } from '../providers/common'
import type { StoredCredentials, WalletModule } from '../providers/module'
import { walletModuleFor } from '../providers/real'
import type { SecretBox } from '../secrets'

export type { CredentialsInput, CredentialWallet }
export type CredentialsStatusView = z.output<typeof CredentialsStatus>

interface CredentialsRow {
  wallet: CredentialWallet
  mode: GatewayMode
  gateway_url: string
  public_fields: string
  secrets: Buffer
  secrets_kind: string
  updated_at: number
}

function getRow(db: Database, wallet: CredentialWallet, mode: GatewayMode): CredentialsRow | null {
  const row = prepared(db, 'SELECT * FROM wallet_credentials WHERE wallet = ? AND mode = ?').get(wallet, mode)
  return (row as CredentialsRow | undefined) ?? null
}

function requireModule(wallet: string): WalletModule {
  const module = walletModuleFor(wallet)
  if (!module) throw new EngineError('VALIDATION_FAILED', `${wallet} takes no credentials`)
  return module
}

function decryptSecrets(box: SecretBox, row: CredentialsRow | null): Record<string, string | null> {
  return row ? (JSON.parse(box.decrypt(row.secrets)) as Record<string, string | null>) : {}
}

export function credentialsStatus(
  db: Database,
  box: SecretBox | null,
  wallet: CredentialWallet,
  mode: GatewayMode,
): CredentialsStatusView {
  const row = getRow(db, wallet, mode)
  const secrets = box ? decryptSecrets(box, row) : {}
  const { secretFields } = requireModule(wallet).facts.credentials
  return {
    wallet,
    mode,
    configured: row !== null,
    gatewayUrl: row?.gateway_url ?? null,
    publicFields: row ? (JSON.parse(row.public_fields) as Record<string, unknown>) : {},
    secretsSet: Object.fromEntries(secretFields.map((f) => [f.name, Boolean(secrets[f.name])])),
    updatedAt: toIsoOrNull(row?.updated_at ?? null),
  }
}

/**
 * Validates and stores credentials: the provider checks its keys; secrets left out keep their stored values;
 * secrets are encrypted by the secret box. Call inside a transaction.
 */
export function saveCredentials(db: Database, box: SecretBox | null, input: CredentialsInput, now: number): void {
  if (!box) {
    throw new EngineError(
      'SECRETS_UNAVAILABLE',
      'no secure storage for wallet secrets: the desktop app needs the OS keychain; headless mode needs HUTONG_SECRETS_KEY_FILE',
    )
  }
  const module = requireModule(input.wallet)
  const existing = getRow(db, input.wallet, input.mode)
  const accepted = module.acceptCredentials(input)
  const secrets = { ...decryptSecrets(box, existing), ...accepted.secrets }
  for (const field of module.facts.credentials.secretFields) {
    if (field.required && !secrets[field.name]) {
      throw new EngineError('VALIDATION_FAILED', `${field.name}: required`, [
        { path: field.name, message: 'required', code: 'REQUIRED' },
      ])
    }
  }
  const gatewayUrl = input.gatewayUrl ?? module.facts.gateways[input.mode]
  const publicJson = JSON.stringify(accepted.publicFields)
  prepared(
    db,
    `INSERT INTO wallet_credentials (wallet, mode, gateway_url, public_fields, secrets, secrets_kind, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (wallet, mode) DO UPDATE SET gateway_url = excluded.gateway_url, public_fields = excluded.public_fields,
       secrets = excluded.secrets, secrets_kind = excluded.secrets_kind, updated_at = excluded.updated_at`,
  ).run(input.wallet, input.mode, gatewayUrl, publicJson, box.encrypt(JSON.stringify(secrets)), box.kind, now)
  // The audit keeps what changed, never a secret.
  appendAudit(db, {
    entity: 'credentials',
    entityId: `${input.wallet}:${input.mode}`,
    before: existing ? { gatewayUrl: existing.gateway_url, ...(JSON.parse(existing.public_fields) as object) } : null,
    after: { gatewayUrl, ...accepted.publicFields, secretsChanged: Object.keys(accepted.secrets) },
    at: now,
  })
}

/** Every stored credential set, decrypted in memory only, with the provider module it belongs to. */
export function loadStoredCredentials(
  db: Database,
  box: SecretBox | null,
): { module: WalletModule; stored: StoredCredentials }[] {
  if (!box) return []
  const rows = prepared(db, 'SELECT * FROM wallet_credentials').all() as CredentialsRow[]
  return rows.flatMap((row) => {
    const module = walletModuleFor(row.wallet)
    // A row of a provider this version does not know (written by a newer one) stays untouched.
    if (!module) return []
    const stored: StoredCredentials = {
      mode: row.mode,
      gatewayUrl: row.gateway_url,
      publicFields: JSON.parse(row.public_fields) as Record<string, unknown>,
      secrets: decryptSecrets(box, row),
    }
    return [{ module, stored }]
  })
}
