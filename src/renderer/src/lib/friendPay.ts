import type { OperationInput, OperationOutput } from '../../../shared/api/operations'
import { FRIEND_PAY_MODES, FriendPaySettings as FriendPaySettingsSchema } from '../../../shared/api/schemas'
import type { EngineEvent, FriendPayRequest, PaymentOption } from '../../../shared/api/types'
import { fenToYuanString, parseYuanToFen } from '../../../shared/money'
import { maskPersonName } from '../../../shared/friendPay'
import type { WalletId } from '../../../shared/wallets'
import { eventWallet } from './engineEvents'
import type { FormError, FormResult } from './formErrors'
import { checkWithSchema } from './schemaIssues'

export type FriendPayMode = (typeof FRIEND_PAY_MODES)[number]
export type FriendPayInput = OperationInput<'friendPay.create'>

export const REQUESTER_NAME_MAX = 20
export const MESSAGE_MAX = 100

/** What the cashier types into the friend-pay form. */
export interface FriendPayDraft {
  requesterName: string
  mode: FriendPayMode
  payerPhone: string
  message: string
}

export function emptyFriendPayDraft(): FriendPayDraft {
  return { requesterName: '', mode: 'open', payerPhone: '', message: '' }
}

/** Characters as the engine counts them (a Chinese name is one character per glyph). */
function length(text: string): number {
  return [...text].length
}

/** Phone numbers are typed with spaces or dashes, sometimes with +86 in front. */
export function normalizePhone(text: string): string {
  const digits = text.replace(/[^\d]/g, '')
  return digits.length === 13 && digits.startsWith('86') ? digits.slice(2) : digits
}

/** The `friendPay.create` input for a draft, or the problems that stop it being sent. */
export function fromFriendPayDraft(orderId: string, draft: FriendPayDraft): FormResult<FriendPayInput> {
  const errors: FormError[] = []
  const requesterName = draft.requesterName.trim()
  if (requesterName === '') errors.push({ field: 'requesterName', code: 'REQUIRED' })
  else if (length(requesterName) > REQUESTER_NAME_MAX) errors.push({ field: 'requesterName', code: 'TOO_LONG' })
  const message = draft.message.trim()
  if (length(message) > MESSAGE_MAX) errors.push({ field: 'message', code: 'TOO_LONG' })
  let payerPhone: string | undefined
  if (draft.mode === 'designated') {
    payerPhone = normalizePhone(draft.payerPhone)
    if (payerPhone === '') errors.push({ field: 'payerPhone', code: 'REQUIRED' })
    else if (!/^1\d{10}$/.test(payerPhone)) errors.push({ field: 'payerPhone', code: 'INVALID_PHONE' })
  }
  if (errors.length > 0) return { ok: false, errors }
  return {
    ok: true,
    value: {
      id: orderId,
      requesterName,
      mode: draft.mode,
      ...(payerPhone !== undefined ? { payerPhone } : {}),
      ...(message !== '' ? { message } : {}),
    },
  }
}

/** Whether any wallet offered for the order may be used by a friend. */
export function friendPayOffered(options: readonly Pick<PaymentOption, 'available' | 'methods'>[]): boolean {
  return options.some((o) => o.available && o.methods.includes('friend-pay'))
}

/** The state to show: an open request past its deadline is expired even before the engine's sweep ends it. */
export type FriendPayDisplayState = FriendPayRequest['status'] | 'locked'

export function friendPayDisplayState(
  request: Pick<FriendPayRequest, 'status' | 'locked' | 'expiresAt'>,
  now: number,
): FriendPayDisplayState {
  if (request.status !== 'open') return request.status
  if (Date.parse(request.expiresAt) <= now) return 'expired'
  return request.locked ? 'locked' : 'open'
}

/** Open requests first (soonest deadline first), then the rest, newest first. */
export function sortFriendPayRequests<T extends Pick<FriendPayRequest, 'status' | 'expiresAt' | 'createdAt' | 'id'>>(
  requests: readonly T[],
): T[] {
  return [...requests].sort((a, b) => {
    const aOpen = a.status === 'open'
    const bOpen = b.status === 'open'
    if (aOpen !== bOpen) return aOpen ? -1 : 1
    if (aOpen) return a.expiresAt.localeCompare(b.expiresAt) || a.id.localeCompare(b.id)
    return b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id)
  })
}

/** The friend-pay request an event is about, if any. */
export function eventFriendPayId(event: Pick<EngineEvent, 'type' | 'data'>): string | null {
  if (!event.type.startsWith('friend_pay.') || !('friendPayId' in event.data)) return null
  return event.data.friendPayId || null
}

/** The request that paid the order, from its timeline (null when nobody paid it for a friend). */
export function paidByFriendRequestId(timeline: readonly Pick<EngineEvent, 'type' | 'data'>[]): string | null {
  const paid = timeline.find((e) => e.type === 'friend_pay.paid')
  return paid ? eventFriendPayId(paid) : null
}

/** Where a friend types a pay code: the share link's server, path /f. */
export function payCodeEntryUrl(shareUrl: string): string {
  try {
    return `${new URL(shareUrl).origin}/f`
  } catch {
    return '/f'
  }
}

/** Why a friend-pay request cannot be made, from FRIEND_PAY_UNAVAILABLE's details. */
export type FriendPayRefusal =
  | { reason: 'DISABLED' }
  | { reason: 'AMOUNT_ABOVE_MAX'; maxFen: number | null }
  | { reason: 'NO_ELIGIBLE_WALLET' }
  | { reason: 'UNKNOWN' }

export function friendPayRefusal(details: unknown): FriendPayRefusal {
  const data = typeof details === 'object' && details !== null ? (details as Record<string, unknown>) : {}
  const reason = data['reason']
  if (reason === 'DISABLED' || reason === 'NO_ELIGIBLE_WALLET') return { reason }
  if (reason === 'AMOUNT_ABOVE_MAX') {
    const max = data['maxFen']
    return { reason, maxFen: typeof max === 'number' && Number.isSafeInteger(max) && max > 0 ? max : null }
  }
  return { reason: 'UNKNOWN' }
}

/** The engine's VALIDATION_FAILED issues ({ path, message }[]) for the form's fields. */
export function friendPayIssueFields(details: unknown): FormError[] {
  if (!Array.isArray(details)) return []
  return details.flatMap((issue: unknown) => {
    const path = typeof issue === 'object' && issue !== null ? (issue as { path?: unknown }).path : undefined
    if (path === 'requesterName' || path === 'message' || path === 'payerPhone')
      return [{ field: path, code: 'INVALID' as const }]
    return []
  })
}

// ---- settings ----

export type FriendPaySettings = OperationOutput<'routing.get'>['friendPay']

export interface FriendPaySettingsDraft {
  enabled: boolean
  ttlHours: number
  maxYuan: string
  excludeCategories: string[]
  excludeSkus: string[]
}

export function toFriendPaySettingsDraft(settings: FriendPaySettings): FriendPaySettingsDraft {
  return {
    enabled: settings.enabled,
    ttlHours: settings.ttlHours,
    maxYuan: fenToYuanString(settings.maxFen),
    excludeCategories: [...settings.excludeCategories],
    excludeSkus: [...settings.excludeSkus],
  }
}

export function fromFriendPaySettingsDraft(draft: FriendPaySettingsDraft): FormResult<FriendPaySettings> {
  const errors: FormError[] = []
  const empty = draft.maxYuan.trim() === ''
  const maxFen = empty ? null : parseYuanToFen(draft.maxYuan)
  if (empty) errors.push({ field: 'friendPay.maxYuan', code: 'REQUIRED' })
  else if (maxFen === null) errors.push({ field: 'friendPay.maxYuan', code: 'INVALID_AMOUNT' })
  const value: FriendPaySettings = {
    enabled: draft.enabled,
    ttlHours: draft.ttlHours,
    maxFen: maxFen ?? 0,
    excludeCategories: [...draft.excludeCategories],
    excludeSkus: [...draft.excludeSkus],
  }
  return checkWithSchema(
    FriendPaySettingsSchema,
    value,
    {
      field: (path) => `friendPay.${path.replace(/^maxFen$/, 'maxYuan')}`,
      // A cleared number box holds no number at all: out of range, like any other.
      rules: [{ field: /^friendPay\.ttlHours$/, code: 'OUT_OF_RANGE' }],
    },
    errors,
  )
}

/** What the friend sees of the requester's name: 王小明 → 王**, the same rule as the friend's page. */
export function maskRequesterName(name: string): string {
  return maskPersonName(name)
}

/** The status chip's colour for a request's state. */
export function friendPayTone(state: FriendPayDisplayState): 'success' | 'waiting' | 'neutral' | 'danger' {
  if (state === 'paid') return 'success'
  if (state === 'open') return 'waiting'
  if (state === 'locked' || state === 'expired') return 'danger'
  return 'neutral'
}

/** The request the till shows for an order: the newest one a friend can still pay, else the newest. */
export function currentRequestFor<
  T extends Pick<FriendPayRequest, 'orderId' | 'status' | 'locked' | 'createdAt' | 'id'>,
>(requests: readonly T[], orderId: string): T | null {
  const newestFirst = requests
    .filter((r) => r.orderId === orderId)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
  return newestFirst.find((r) => r.status === 'open' && !r.locked) ?? newestFirst[0] ?? null
}

/** A friend paid an order: what the cashier is told when that order is not on the till's screen. */
export interface FriendPaidNotice {
  seq: number
  orderId: string
  friendPayId: string | null
  wallet: WalletId | null
}

/** The notice for a `friend_pay.paid` event, or null for any other event. */
export function friendPaidNotice(event: EngineEvent): FriendPaidNotice | null {
  if (event.type !== 'friend_pay.paid' || !event.orderId) return null
  return { seq: event.seq, orderId: event.orderId, friendPayId: eventFriendPayId(event), wallet: eventWallet(event) }
}

/** The till shows an order's payment on its checkout and receipt screens; anywhere else the cashier is told. */
export function shouldTellCashier(
  notice: FriendPaidNotice,
  screen: { name: string | null; orderId: string | null },
): boolean {
  return !((screen.name === 'checkout' || screen.name === 'receipt') && screen.orderId === notice.orderId)
}
