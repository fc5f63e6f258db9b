import { prepared } from '../db/prepared'
import type { Database } from 'better-sqlite3'
import type { z } from 'zod'
import type { AlipayCredentialsInput, CredentialsStatus, WechatPayCredentialsInput } from '../../shared/api/schemas'
import { EngineError } from '../../shared/errors'
import { DEFAULT_GATEWAYS } from '../../shared/gateways'
import { toIsoOrNull } from '../clock'
import { appendAudit } from '../config/audit'
import type { AlipayConfig } from '../providers/alipay/config'
import type { GatewayMode } from '../providers/common'
import type { WechatPayConfig } from '../providers/wechatpay/config'
import type { SecretBox } from '../secrets'
import { asPem, checkPrivateKey, checkPublicKey } from './validate'

export type CredentialWallet = 'wechat' | 'alipay'
type WechatInput = z.output<typeof WechatPayCredentialsInput>
type AlipayInput = z.output<typeof AlipayCredentialsInput>
export type CredentialsInput = WechatInput | AlipayInput
export type CredentialsStatusView = z.output<typeof CredentialsStatus>

export { DEFAULT_GATEWAYS }

const SECRET_FIELDS: Record<CredentialWallet, { name: string; required: boolean }[]> = {
  wechat: [
    { name: 'merchantPrivateKeyPem', required: true },
    { name: 'apiV3Key', required: true },
    { name: 'apiV2Key', required: false },
  ],
  alipay: [{ name: 'appPrivateKeyPem', required: true }],
}

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
  return (
    (prepared(db, 'SELECT * FROM wallet_credentials WHERE wallet = ? AND mode = ?').get(wallet, mode) as
      CredentialsRow | undefined) ?? null
  )
}

export function credentialsStatus(
  db: Database,
  box: SecretBox | null,
  wallet: CredentialWallet,
  mode: GatewayMode,
): CredentialsStatusView {
  const row = getRow(db, wallet, mode)
  const secrets = row && box ? (JSON.parse(box.decrypt(row.secrets)) as Record<string, string | null>) : {}
  return {
    wallet,
    mode,
    configured: row !== null,
    gatewayUrl: row?.gateway_url ?? null,
    publicFields: row ? (JSON.parse(row.public_fields) as Record<string, unknown>) : {},
    secretsSet: Object.fromEntries(SECRET_FIELDS[wallet].map((f) => [f.name, Boolean(secrets[f.name])])),
    updatedAt: toIsoOrNull(row?.updated_at ?? null),
  }
}

/**
 * Validates and stores credentials: keys must parse as RSA ≥ 2048 bits; secrets left out keep their stored
 * values; secrets are encrypted by the secret box. Call inside a transaction.
 */
export function saveCredentials(db: Database, box: SecretBox | null, input: CredentialsInput, now: number): void {
  if (!box) {
    throw new EngineError(
      'SECRETS_UNAVAILABLE',
      'no secure storage for wallet secrets: the desktop app needs the OS keychain; headless mode needs HUTONG_SECRETS_KEY_FILE',
    )
  }
  const existing = getRow(db, input.wallet, input.mode)
  const stored = existing ? (JSON.parse(box.decrypt(existing.secrets)) as Record<string, string | null>) : {}
  const secrets: Record<string, string | null> = { ...stored }
  let publicFields: Record<string, unknown>
  if (input.wallet === 'wechat') {
    if (input.merchantPrivateKeyPem !== undefined) {
      const pem = asPem(input.merchantPrivateKeyPem, 'private')
      checkPrivateKey(pem, 'merchantPrivateKeyPem')
      secrets.merchantPrivateKeyPem = pem
    }
    if (input.apiV3Key !== undefined) secrets.apiV3Key = input.apiV3Key
    if (input.apiV2Key !== undefined) secrets.apiV2Key = input.apiV2Key
    publicFields = {
      mchId: input.mchId,
      appId: input.appId,
      merchantSerialNo: input.merchantSerialNo,
      platformKeys: input.platformKeys.map((k, i) => ({
        serial: k.serial,
        publicKeyPem: checkPublicKey(asPem(k.publicKeyPem, 'public'), `platformKeys.${i}.publicKeyPem`),
      })),
      notifyUrl: input.notifyUrl,
    }
  } else {
    if (input.appPrivateKeyPem !== undefined) {
      const pem = asPem(input.appPrivateKeyPem, 'private')
      checkPrivateKey(pem, 'appPrivateKeyPem')
      secrets.appPrivateKeyPem = pem
    }
    publicFields = {
      appId: input.appId,
      alipayPublicKeyPem: checkPublicKey(asPem(input.alipayPublicKeyPem, 'public'), 'alipayPublicKeyPem'),
      notifyUrl: input.notifyUrl,
    }
  }
  for (const field of SECRET_FIELDS[input.wallet]) {
    if (field.required && !secrets[field.name]) {
      throw new EngineError('VALIDATION_FAILED', `${field.name}: required`, [
        { path: field.name, message: 'required', code: 'REQUIRED' },
      ])
    }
  }
  const gatewayUrl = input.gatewayUrl ?? DEFAULT_GATEWAYS[input.wallet][input.mode]
  prepared(
    db,
    `INSERT INTO wallet_credentials (wallet, mode, gateway_url, public_fields, secrets, secrets_kind, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (wallet, mode) DO UPDATE SET gateway_url = excluded.gateway_url, public_fields = excluded.public_fields,
       secrets = excluded.secrets, secrets_kind = excluded.secrets_kind, updated_at = excluded.updated_at`,
  ).run(
    input.wallet,
    input.mode,
    gatewayUrl,
    JSON.stringify(publicFields),
    box.encrypt(JSON.stringify(secrets)),
    box.kind,
    now,
  )
  // The audit keeps what changed, never a secret.
  appendAudit(db, {
    entity: 'credentials',
    entityId: `${input.wallet}:${input.mode}`,
    before: existing ? { gatewayUrl: existing.gateway_url, ...(JSON.parse(existing.public_fields) as object) } : null,
    after: {
      gatewayUrl,
      ...publicFields,
      secretsChanged: SECRET_FIELDS[input.wallet]
        .map((f) => f.name)
        .filter((name) => (input as Record<string, unknown>)[name] !== undefined),
    },
    at: now,
  })
}

/** Decrypted adapter configurations for every stored credential set (in memory only). */
export function loadAdapterConfigs(
  db: Database,
  box: SecretBox | null,
): { wechat: WechatPayConfig[]; alipay: AlipayConfig[] } {
  const out = { wechat: [] as WechatPayConfig[], alipay: [] as AlipayConfig[] }
  if (!box) return out
  for (const row of prepared(db, 'SELECT * FROM wallet_credentials').all() as CredentialsRow[]) {
    const pub = JSON.parse(row.public_fields) as Record<string, unknown>
    const secrets = JSON.parse(box.decrypt(row.secrets)) as Record<string, string | null>
    if (row.wallet === 'wechat') {
      out.wechat.push({
        mode: row.mode,
        gatewayUrl: row.gateway_url,
        mchId: pub.mchId as string,
        appId: pub.appId as string,
        merchantSerialNo: pub.merchantSerialNo as string,
        merchantPrivateKeyPem: secrets.merchantPrivateKeyPem!,
        apiV3Key: secrets.apiV3Key!,
        apiV2Key: secrets.apiV2Key ?? null,
        platformKeys: pub.platformKeys as { serial: string; publicKeyPem: string }[],
        notifyUrl: (pub.notifyUrl as string | null) ?? null,
      })
    } else {
      out.alipay.push({
        mode: row.mode,
        gatewayUrl: row.gateway_url,
        appId: pub.appId as string,
        appPrivateKeyPem: secrets.appPrivateKeyPem!,
        alipayPublicKeyPem: pub.alipayPublicKeyPem as string,
        notifyUrl: (pub.notifyUrl as string | null) ?? null,
      })
    }
  }
  return out
}
