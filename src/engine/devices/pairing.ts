import { createHash, randomInt } from 'node:crypto'
import type { z } from 'zod'
import {
  PAIRING_CODE_TTL_MS,
  PAIRING_FAILURE_LIMIT,
  PAIRING_LOCK_MS,
  type CreatePairingCodeInput,
  type Device,
  type PairedDevice,
  type PairingCode,
} from '../../shared/api/deviceSchemas'
import { EngineError } from '../../shared/errors'
import { toIso } from '../clock'
import { appendAudit } from '../config/audit'
import { newSecretToken } from '../ids'
import { currentActor } from '../staff/principal'
import { findTillByName, getTillRow, insertTill } from '../staff/queries'
import type { StaffContext } from '../staff/context'
import {
  countPairingFailures,
  deviceView,
  findDeviceByTokenHash,
  forgetExpiredCodes,
  forgetPairingFailures,
  getDeviceRow,
  getPairingCode,
  insertDevice,
  insertPairingCode,
  recordPairingFailure,
  revokeDevice,
  touchDevice,
  useCode,
  type DeviceRow,
  type PairingCodeRow,
} from './queries'

export type DeviceContext = StaffContext

const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex')
/** Last-seen times are for the owner's list, not an audit trail: written at most once a minute. */
const SEEN_RESOLUTION_MS = 60_000

/** A one-time six-digit code for a new till, or for a customer display that follows a till. */
export function createPairingCode(
  ctx: DeviceContext,
  input: z.output<typeof CreatePairingCodeInput>,
): z.output<typeof PairingCode> {
  const tillId = input.kind === 'display' ? displayTill(ctx, input.tillId) : null
  return ctx.events.unitOfWork(() => {
    const now = ctx.clock.now()
    forgetExpiredCodes(ctx.db, now)
    const row: PairingCodeRow = {
      code: '',
      kind: input.kind,
      name: input.name,
      till_id: tillId,
      created_by: currentActor().staffId,
      created_at: now,
      expires_at: now + PAIRING_CODE_TTL_MS,
      used_at: null,
      device_id: null,
    }
    // A code still live is never handed out twice: draw again until the table takes it.
    do {
      row.code = String(randomInt(0, 1_000_000)).padStart(6, '0')
    } while (!insertPairingCode(ctx.db, row))
    appendAudit(ctx.db, {
      entity: 'pairing',
      entityId: input.kind,
      before: null,
      after: { name: input.name, tillId },
      at: now,
    })
    return { code: row.code, kind: row.kind, name: row.name, tillId, expiresAt: toIso(row.expires_at) }
  })
}

function displayTill(ctx: DeviceContext, named: string | undefined): string {
  const tillId = named ?? currentActor().tillId
  if (!tillId) throw new EngineError('VALIDATION_FAILED', 'name the till this display follows (tillId)')
  if (!getTillRow(ctx.db, tillId)) throw new EngineError('NOT_FOUND', `no till ${tillId}`)
  return tillId
}

/**
 * Trades a code for the device's own credential, once. Wrong, used and expired codes count against the store: after
 * ten in five minutes pairing pauses for five minutes, so a million codes cannot be tried.
 */
export function redeemPairingCode(ctx: DeviceContext, code: string): z.output<typeof PairedDevice> {
  const outcome = ctx.events.unitOfWork(() => {
    const now = ctx.clock.now()
    forgetPairingFailures(ctx.db, now - PAIRING_LOCK_MS)
    if (countPairingFailures(ctx.db, now - PAIRING_LOCK_MS) >= PAIRING_FAILURE_LIMIT) return 'locked' as const
    const row = getPairingCode(ctx.db, code)
    if (!row || row.used_at !== null || row.expires_at <= now) {
      recordPairingFailure(ctx.db, now)
      return 'invalid' as const
    }
    return pairDevice(ctx, row, now)
  })
  if (outcome === 'locked') throw new EngineError('LOCKED', 'too many wrong pairing codes: try again in five minutes')
  if (outcome === 'invalid') throw new EngineError('PAIRING_CODE_INVALID', 'this code is wrong, used or expired')
  return outcome
}

function pairDevice(ctx: DeviceContext, code: PairingCodeRow, now: number): z.output<typeof PairedDevice> {
  const token = newSecretToken(24)
  const row: DeviceRow = {
    id: ctx.newId('dev'),
    kind: code.kind,
    name: code.name,
    till_id: code.till_id ?? tillFor(ctx, code.name, now),
    token_hash: hashToken(token),
    paired_at: now,
    paired_by: code.created_by,
    last_seen_at: now,
    revoked_at: null,
    revoked_by: null,
  }
  insertDevice(ctx.db, row)
  touchDevice(ctx.db, row.id, now)
  if (!useCode(ctx.db, code.code, row.id, now)) throw new EngineError('CONCURRENT_UPDATE', 'the code was just used')
  appendAudit(ctx.db, {
    entity: 'device',
    entityId: row.id,
    before: null,
    after: { kind: row.kind, name: row.name, tillId: row.till_id },
    at: now,
  })
  ctx.events.append({ type: 'device.paired', data: { deviceId: row.id, kind: row.kind, tillId: row.till_id } })
  return { device: deviceView(row), token }
}

/** A paired till is a browser till of that name (the same one again when a replaced tablet pairs under it). */
function tillFor(ctx: DeviceContext, name: string, now: number): string {
  const existing = findTillByName(ctx.db, name)
  if (existing) return existing.id
  const id = ctx.newId('til')
  insertTill(ctx.db, { id, name, kind: 'browser' }, now)
  return id
}

export function revokePairedDevice(ctx: DeviceContext, id: string): z.output<typeof Device> {
  return ctx.events.unitOfWork(() => {
    const row = getDeviceRow(ctx.db, id)
    if (!row) throw new EngineError('DEVICE_NOT_FOUND', `no device ${id}`)
    const now = ctx.clock.now()
    const by = currentActor().staffId
    if (revokeDevice(ctx.db, id, by, now)) {
      appendAudit(ctx.db, {
        entity: 'device',
        entityId: id,
        before: { revoked: false },
        after: { revoked: true },
        at: now,
      })
      ctx.events.append({ type: 'device.revoked', data: { deviceId: id } })
    }
    return deviceView(getDeviceRow(ctx.db, id) ?? row)
  })
}

/** The paired device a presented token belongs to, unless it was revoked. */
export function deviceOfToken(ctx: DeviceContext, token: string): z.output<typeof Device> | null {
  const row = findDeviceByTokenHash(ctx.db, hashToken(token))
  if (!row || row.revoked_at !== null) return null
  const now = ctx.clock.now()
  if (row.last_seen_at === null || now - row.last_seen_at >= SEEN_RESOLUTION_MS) {
    ctx.events.unitOfWork(() => touchDevice(ctx.db, row.id, now))
    row.last_seen_at = now
  }
  return deviceView(row)
}
