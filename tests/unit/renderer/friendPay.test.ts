import { describe, expect, it } from 'vitest'
import type { EngineEvent, FriendPayRequest } from '../../../src/shared/api/types'
import { EngineError } from '../../../src/shared/errors'
import { errorMessageRef, reasonKeys } from '../../../src/renderer/src/lib/errorText'
import {
  currentRequestFor,
  emptyFriendPayDraft,
  eventFriendPayId,
  friendPaidNotice,
  friendPayDisplayState,
  friendPayIssueFields,
  friendPayOffered,
  friendPayRefusal,
  fromFriendPayDraft,
  fromFriendPaySettingsDraft,
  maskRequesterName,
  normalizePhone,
  paidByFriendRequestId,
  payCodeEntryUrl,
  shouldTellCashier,
  sortFriendPayRequests,
  toFriendPaySettingsDraft,
} from '../../../src/renderer/src/lib/friendPay'

function request(overrides: Partial<FriendPayRequest> = {}): FriendPayRequest {
  return {
    id: 'fpr_1',
    orderId: 'ord_1',
    status: 'open',
    mode: 'open',
    requesterName: '王小明',
    requesterMasked: '王**',
    payerPhoneMasked: null,
    message: null,
    amountFen: 1234,
    url: 'http://192.168.1.20:5170/f/fpr_1.secret',
    payCode: '7K3M-Q9PD',
    qrSvg: '<svg/>',
    locked: false,
    failedTries: 0,
    cancelReason: null,
    expiresAt: '2026-11-22T02:00:00.000Z',
    createdAt: '2026-11-21T02:00:00.000Z',
    paidAt: null,
    expiredAt: null,
    cancelledAt: null,
    ...overrides,
  }
}

describe('friend-pay form', () => {
  it('sends a trimmed name and leaves out what the mode does not use', () => {
    const draft = { ...emptyFriendPayDraft(), requesterName: '  王小明 ', payerPhone: '13800138000' }
    expect(fromFriendPayDraft('ord_1', draft)).toEqual({
      ok: true,
      value: { id: 'ord_1', requesterName: '王小明', mode: 'open' },
    })
    expect(fromFriendPayDraft('ord_1', { ...draft, message: ' 帮我付一下 ' })).toMatchObject({
      ok: true,
      value: { message: '帮我付一下' },
    })
  })

  it('needs a valid phone number in designated mode, typed any common way', () => {
    const draft = { ...emptyFriendPayDraft(), requesterName: '王小明', mode: 'designated' as const }
    expect(fromFriendPayDraft('ord_1', draft)).toEqual({
      ok: false,
      errors: [{ field: 'payerPhone', code: 'REQUIRED' }],
    })
    expect(fromFriendPayDraft('ord_1', { ...draft, payerPhone: '2380013800' })).toEqual({
      ok: false,
      errors: [{ field: 'payerPhone', code: 'INVALID_PHONE' }],
    })
    expect(fromFriendPayDraft('ord_1', { ...draft, payerPhone: '+86 138-0013-8000' })).toMatchObject({
      ok: true,
      value: { mode: 'designated', payerPhone: '13800138000' },
    })
    expect(normalizePhone('138 0013 8000')).toBe('13800138000')
  })

  it('counts a name by characters, not UTF-16 units', () => {
    const twenty = '王'.repeat(20)
    expect(fromFriendPayDraft('ord_1', { ...emptyFriendPayDraft(), requesterName: twenty }).ok).toBe(true)
    expect(fromFriendPayDraft('ord_1', { ...emptyFriendPayDraft(), requesterName: `${twenty}明` })).toEqual({
      ok: false,
      errors: [{ field: 'requesterName', code: 'TOO_LONG' }],
    })
    expect(fromFriendPayDraft('ord_1', { ...emptyFriendPayDraft(), message: 'x'.repeat(101) })).toEqual({
      ok: false,
      errors: [
        { field: 'requesterName', code: 'REQUIRED' },
        { field: 'message', code: 'TOO_LONG' },
      ],
    })
  })

  it('previews the name as the friend will see it', () => {
    expect(maskRequesterName('王小明')).toBe('王**')
    expect(maskRequesterName('王')).toBe('王*')
    expect(maskRequesterName('欧阳小明')).toBe('欧阳**')
    expect(maskRequesterName('  ')).toBe('')
  })

  it('maps the engine validation issues onto the form fields it knows', () => {
    expect(
      friendPayIssueFields([
        { path: 'payerPhone', message: 'x' },
        { path: 'id', message: 'y' },
      ]),
    ).toEqual([{ field: 'payerPhone', code: 'INVALID' }])
    expect(friendPayIssueFields(null)).toEqual([])
  })
})

describe('friend-pay requests', () => {
  it('is offered when an available wallet allows it', () => {
    expect(friendPayOffered([{ available: true, methods: ['qr', 'friend-pay'] }])).toBe(true)
    expect(
      friendPayOffered([
        { available: false, methods: ['qr', 'friend-pay'] },
        { available: true, methods: ['qr'] },
      ]),
    ).toBe(false)
  })

  it('shows an open request past its deadline as expired, a locked one as locked', () => {
    const now = Date.parse('2026-11-21T12:00:00.000Z')
    expect(friendPayDisplayState(request(), now)).toBe('open')
    expect(friendPayDisplayState(request({ locked: true }), now)).toBe('locked')
    expect(friendPayDisplayState(request({ expiresAt: '2026-11-21T11:59:59.000Z' }), now)).toBe('expired')
    expect(friendPayDisplayState(request({ status: 'paid' }), now)).toBe('paid')
  })

  it('lists open requests first by deadline, then the rest newest first', () => {
    const list = [
      request({ id: 'a', status: 'paid', createdAt: '2026-11-21T01:00:00.000Z' }),
      request({ id: 'b', status: 'open', expiresAt: '2026-11-22T05:00:00.000Z' }),
      request({ id: 'c', status: 'cancelled', createdAt: '2026-11-21T03:00:00.000Z' }),
      request({ id: 'd', status: 'open', expiresAt: '2026-11-22T01:00:00.000Z' }),
    ]
    expect(sortFriendPayRequests(list).map((r) => r.id)).toEqual(['d', 'b', 'c', 'a'])
  })

  it("shows the till the order's newest request a friend can still pay", () => {
    const list = [
      request({ id: 'fpr_1', locked: true, createdAt: '2026-11-21T01:00:00.000Z' }),
      request({ id: 'fpr_2', createdAt: '2026-11-21T02:00:00.000Z' }),
      request({ id: 'fpr_3', status: 'cancelled', createdAt: '2026-11-21T03:00:00.000Z' }),
      request({ id: 'fpr_4', orderId: 'ord_2', createdAt: '2026-11-21T04:00:00.000Z' }),
    ]
    expect(currentRequestFor(list, 'ord_1')?.id).toBe('fpr_2')
    expect(currentRequestFor(list.slice(0, 1).concat(list[2]!), 'ord_1')?.id).toBe('fpr_3')
    expect(currentRequestFor(list, 'ord_9')).toBeNull()
  })

  it('finds the request in friend-pay events and the one that paid an order', () => {
    expect(eventFriendPayId({ type: 'friend_pay.locked', data: { friendPayId: 'fpr_1', tries: 5 } })).toBe('fpr_1')
    expect(
      eventFriendPayId({ type: 'order.paid', data: { friendPayId: 'fpr_1' } } as unknown as EngineEvent),
    ).toBeNull()
    const timeline = [
      { type: 'friend_pay.created', data: { friendPayId: 'fpr_1' } },
      { type: 'friend_pay.paid', data: { friendPayId: 'fpr_1', wallet: 'wechat' } },
      { type: 'order.paid', data: { wallet: 'wechat' } },
    ] as EngineEvent[]
    expect(paidByFriendRequestId(timeline)).toBe('fpr_1')
    expect(paidByFriendRequestId(timeline.slice(0, 1))).toBeNull()
  })

  it('points the pay code at /f on the link’s own server', () => {
    expect(payCodeEntryUrl('http://192.168.1.20:5170/f/fpr_1.secret')).toBe('http://192.168.1.20:5170/f')
    expect(payCodeEntryUrl('not a url')).toBe('/f')
  })
})

describe('friend-pay errors', () => {
  it('reads why a request was refused', () => {
    expect(friendPayRefusal({ reason: 'AMOUNT_ABOVE_MAX', maxFen: 200_000 })).toEqual({
      reason: 'AMOUNT_ABOVE_MAX',
      maxFen: 200_000,
    })
    expect(friendPayRefusal({ reason: 'AMOUNT_ABOVE_MAX' })).toEqual({ reason: 'AMOUNT_ABOVE_MAX', maxFen: null })
    expect(friendPayRefusal({ reason: 'DISABLED' })).toEqual({ reason: 'DISABLED' })
    expect(friendPayRefusal('??')).toEqual({ reason: 'UNKNOWN' })
  })

  it('words the limit with the amount', () => {
    const error = new EngineError('FRIEND_PAY_UNAVAILABLE', 'x', { reason: 'AMOUNT_ABOVE_MAX', maxFen: 200_000 })
    expect(errorMessageRef(error)).toEqual({ key: 'friendPay.refusals.AMOUNT_ABOVE_MAX', params: { max: '¥2,000.00' } })
    expect(errorMessageRef(new EngineError('FRIEND_PAY_UNAVAILABLE', 'x', { reason: 'NO_ELIGIBLE_WALLET' }))).toEqual({
      key: 'friendPay.refusals.NO_ELIGIBLE_WALLET',
    })
    expect(errorMessageRef(new EngineError('LOCKED', 'x'))).toEqual({
      key: 'errors.codes.LOCKED',
      params: { code: 'LOCKED' },
    })
    expect(errorMessageRef(new Error('boom')).key).toBe('errors.codes.INTERNAL')
  })

  it('looks for reason words from the most specific place', () => {
    expect(reasonKeys('order_paid')[0]).toBe('failures.order_paid')
  })
})

describe('friend-pay settings', () => {
  const settings = {
    enabled: true,
    ttlHours: 24,
    maxFen: 200_000,
    excludeCategories: ['烟酒'],
    excludeSkus: ['GIFT-1'],
  }

  it('edits the limit in yuan and saves fen', () => {
    const draft = toFriendPaySettingsDraft(settings)
    expect(draft.maxYuan).toBe('2000.00')
    expect(fromFriendPaySettingsDraft({ ...draft, maxYuan: '1500.5', ttlHours: 48 })).toEqual({
      ok: true,
      value: { ...settings, maxFen: 150_050, ttlHours: 48 },
    })
  })

  it('refuses a missing or impossible limit and an out-of-range lifetime', () => {
    const draft = toFriendPaySettingsDraft(settings)
    expect(fromFriendPaySettingsDraft({ ...draft, maxYuan: '' })).toEqual({
      ok: false,
      errors: [{ field: 'friendPay.maxYuan', code: 'REQUIRED' }],
    })
    expect(fromFriendPaySettingsDraft({ ...draft, maxYuan: '0' })).toEqual({
      ok: false,
      errors: [{ field: 'friendPay.maxYuan', code: 'INVALID_AMOUNT' }],
    })
    expect(fromFriendPaySettingsDraft({ ...draft, maxYuan: '12.345' }).ok).toBe(false)
    expect(fromFriendPaySettingsDraft({ ...draft, ttlHours: 73 })).toEqual({
      ok: false,
      errors: [{ field: 'friendPay.ttlHours', code: 'OUT_OF_RANGE' }],
    })
  })
})

describe('telling the cashier a friend has paid', () => {
  const paid = (orderId: string): EngineEvent => ({
    seq: 42,
    type: 'friend_pay.paid',
    orderId,
    attemptId: 'pay_1',
    at: '2026-11-21T02:00:00.000Z',
    data: { friendPayId: 'fpr_1', wallet: 'wechat' },
  })

  it('reads who paid with what from the event, and ignores every other event', () => {
    expect(friendPaidNotice(paid('ord_1'))).toEqual({
      seq: 42,
      orderId: 'ord_1',
      friendPayId: 'fpr_1',
      wallet: 'wechat',
    })
    expect(friendPaidNotice({ ...paid('ord_1'), type: 'order.paid' } as EngineEvent)).toBeNull()
    expect(friendPaidNotice({ ...paid('ord_1'), type: 'friend_pay.cancelled' } as EngineEvent)).toBeNull()
  })

  it('stays quiet when the till shows that order, and speaks up anywhere else', () => {
    const notice = friendPaidNotice(paid('ord_1'))!
    expect(shouldTellCashier(notice, { name: 'checkout', orderId: 'ord_1' })).toBe(false)
    expect(shouldTellCashier(notice, { name: 'receipt', orderId: 'ord_1' })).toBe(false)
    expect(shouldTellCashier(notice, { name: 'checkout', orderId: 'ord_2' })).toBe(true)
    expect(shouldTellCashier(notice, { name: 'cashier', orderId: null })).toBe(true)
    expect(shouldTellCashier(notice, { name: 'orders', orderId: 'ord_1' })).toBe(true)
  })
})
