import { describe, expect, it } from 'vitest'
import type { EngineEvent } from '../../../src/shared/api/types'
import { EVENT_TYPES } from '../../../src/shared/events'
import { ORDER_STATUSES, ATTEMPT_STATUSES } from '../../../src/shared/states'
import {
  attemptStatusAfter,
  codeFailureAfter,
  eventGateway,
  eventReasonCode,
  eventWallet,
  isConfigEvent,
  orderStatusAfter,
  securityKind,
} from '../../../src/renderer/src/lib/engineEvents'

/** An event as a console may receive it; the data is whatever the test needs. */
function event(type: string, data: Record<string, unknown> = {}): EngineEvent {
  return { seq: 1, type, orderId: 'ord_1', attemptId: 'pay_1', at: '2026-11-21T02:00:00.000Z', data } as EngineEvent
}

describe('engine events', () => {
  it('map order events to order statuses and payment events to attempt statuses', () => {
    expect(orderStatusAfter(event('order.paid'))).toBe('paid')
    expect(orderStatusAfter(event('order.reopened'))).toBe('open')
    expect(orderStatusAfter(event('payment.succeeded'))).toBeNull()
    expect(attemptStatusAfter(event('payment.pending'))).toBe('pending')
    expect(attemptStatusAfter(event('payment.closed'))).toBe('closed')
    expect(attemptStatusAfter(event('payment.late_success'))).toBeNull()
  })

  it('cover every status-changing event type the engine emits', () => {
    for (const type of EVENT_TYPES) {
      const status = orderStatusAfter(event(type)) ?? attemptStatusAfter(event(type))
      if (status) expect([...ORDER_STATUSES, ...ATTEMPT_STATUSES]).toContain(status)
    }
    for (const status of ORDER_STATUSES) {
      if (status !== 'open') expect(EVENT_TYPES.some((type) => orderStatusAfter(event(type)) === status)).toBe(true)
    }
  })

  it('read only known wallets from event data', () => {
    expect(eventWallet(event('order.paid', { wallet: 'wechat' }))).toBe('wechat')
    expect(eventWallet(event('order.paid', { wallet: 'paypal' }))).toBeNull()
    expect(eventWallet(event('order.paid'))).toBeNull()
  })

  it('end a payment-code attempt on failure, reversal or close, with the failure code when given', () => {
    expect(codeFailureAfter(event('payment.failed', { failureCode: 'USER_CANCELLED' }))).toBe('USER_CANCELLED')
    expect(codeFailureAfter(event('payment.failed'))).toBe('DECLINED')
    expect(codeFailureAfter(event('payment.reversed'))).toBe('REVERSED')
    expect(codeFailureAfter(event('payment.user_paying'))).toBeNull()
    expect(codeFailureAfter(event('payment.succeeded'))).toBeNull()
  })

  it('name why a payment or request ended', () => {
    expect(eventReasonCode(event('payment.failed', { failureCode: 'DECLINED' }))).toBe('DECLINED')
    expect(eventReasonCode(event('payment.closed', { reason: 'closed_by_cashier' }))).toBe('closed_by_cashier')
    expect(eventReasonCode(event('friend_pay.cancelled', { friendPayId: 'fpr_1', reason: 'order_paid' }))).toBe(
      'order_paid',
    )
    expect(eventReasonCode(event('order.paid', { wallet: 'wechat' }))).toBeNull()
  })

  it('name the wallet and mode of credential and security events', () => {
    expect(eventGateway(event('credentials.changed', { wallet: 'alipay', mode: 'production' }))).toEqual({
      wallet: 'alipay',
      mode: 'production',
    })
    const rejected = event('security.rejected', {
      provider: 'wechatpay:sandbox',
      kind: 'notification_replay',
      detail: 'seen before',
    })
    expect(eventGateway(rejected)).toEqual({ wallet: 'wechat', mode: 'sandbox' })
    expect(securityKind(rejected)).toBe('notification_replay')
    expect(securityKind(event('payment.failed', { kind: 'x' }))).toBeNull()
    expect(eventGateway(event('security.rejected', { provider: 'odd' }))).toEqual({ wallet: null, mode: null })
  })

  it('treat saved credentials as a configuration change', () => {
    expect(isConfigEvent(event('credentials.changed', { wallet: 'wechat', mode: 'sandbox' }))).toBe(true)
    expect(isConfigEvent(event('config.changed'))).toBe(true)
    expect(isConfigEvent(event('security.rejected'))).toBe(false)
  })
})
