import { describe, expect, it } from 'vitest'
import type { EngineEvent } from '../../../src/shared/api/types'
import {
  announcementWords,
  friendPaidAttempt,
  paidAnnouncement,
  RecentIds,
} from '../../../src/renderer/src/lib/announcement'

const at = '2026-11-30T06:00:00.000Z'
const paid = {
  seq: 7,
  type: 'order.paid',
  orderId: 'ord_1',
  attemptId: 'pay_1',
  at,
  data: { wallet: 'wechat', amountFen: 1450 },
} as EngineEvent

describe('payment announcements', () => {
  it('an order paid is announced by its attempt, with the wallet and the amount in yuan', () => {
    const a = paidAnnouncement(paid)!
    expect(a).toEqual({ id: 'pay_1', orderId: 'ord_1', wallet: 'wechat', amountFen: 1450, byFriend: false })
    expect(announcementWords(a)).toEqual({ key: 'voice.paid', wallet: 'voice.wallets.wechat', amount: '14.50' })
    expect(announcementWords({ ...a, byFriend: true }).key).toBe('voice.friendPaid')
  })

  it('a success that did not pay the order (a late second payment, refunded) is not announced', () => {
    const late = { ...paid, type: 'payment.late_success' } as unknown as EngineEvent
    const succeeded = { ...paid, type: 'payment.succeeded' } as unknown as EngineEvent
    expect(paidAnnouncement(late)).toBeNull()
    expect(paidAnnouncement(succeeded)).toBeNull()
  })

  it("a friend's payment names the attempt it paid with", () => {
    const friend = { ...paid, type: 'friend_pay.paid', data: { friendPayId: 'fp_1', wallet: 'alipay' } } as EngineEvent
    expect(friendPaidAttempt(friend)).toBe('pay_1')
    expect(friendPaidAttempt(paid)).toBeNull()
  })

  it('recent ids refuse a second add and forget the oldest beyond the limit', () => {
    const ids = new RecentIds(['a', 'b'], 3)
    expect(ids.add('a')).toBe(false)
    expect(ids.add('c')).toBe(true)
    expect(ids.add('d')).toBe(true)
    expect(ids.list()).toEqual(['b', 'c', 'd'])
    expect(ids.has('a')).toBe(false)
  })
})
