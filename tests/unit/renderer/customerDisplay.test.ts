import { describe, expect, it } from 'vitest'
import { nextDisplayState, PAID_HOLD_MS, paidFromEvent } from '../../../src/renderer/src/lib/customerDisplay'
import { displayStateOf, type FeedInput } from '../../../src/renderer/src/lib/displayFeed'
import type { EngineEvent, Order } from '../../../src/shared/api/types'
import { DisplayState, IDLE_DISPLAY } from '../../../src/shared/display'

function input(overrides: Partial<FeedInput> = {}): FeedInput {
  return {
    cartLines: [],
    keyedAmounts: [],
    cartTotalFen: 0,
    order: null,
    panels: [],
    options: [
      { wallet: 'wechat', mode: 'simulator', available: true },
      { wallet: 'alipay', mode: 'production', available: true },
    ],
    friendRequest: null,
    keyedName: '按金额收款',
    codeLabel: (wallet, installments) => `${wallet ?? 'any'}${installments ? `/${installments}` : ''}`,
    ...overrides,
  }
}

function order(overrides: Partial<Order> = {}): Order {
  return {
    id: 'ord_1',
    dayNumber: 42,
    businessDay: '2026-11-30',
    mode: null,
    friendPay: false,
    status: 'awaiting_payment',
    totalFen: 700,
    refundedFen: 0,
    currency: 'CNY',
    description: null,
    customerRef: null,
    context: 'counter',
    lines: [
      { id: 'l1', productId: null, sku: 'BRK-001', name: '茶叶蛋', unitPriceFen: 350, quantity: 2, amountFen: 700 },
    ],
    paidWallet: null,
    paidAttemptId: null,
    staffId: null,
    tillId: 'til_1',
    createdAt: '2026-11-30T04:00:00.000Z',
    updatedAt: '2026-11-30T04:00:00.000Z',
    awaitingPaymentAt: null,
    paidAt: null,
    cancelledAt: null,
    expiredAt: null,
    expiresAt: '2026-11-30T05:00:00.000Z',
    ...overrides,
  } as Order
}

const QR = {
  wallet: 'wechat' as const,
  qrContent: 'http://127.0.0.1/sim/pay/abc',
  status: 'pending',
  installments: null,
}

describe('what the till publishes for its customer display', () => {
  it('is the welcome while nothing is rung up', () => {
    expect(displayStateOf(input())).toEqual(IDLE_DISPLAY)
  })

  it('shows the cart as it is built, keyed amounts included', () => {
    const state = displayStateOf(
      input({
        cartLines: [{ name: '茶叶蛋', quantity: 2, unitPriceFen: 150 }],
        keyedAmounts: [{ amountFen: 1234 }],
        cartTotalFen: 1534,
      }),
    )
    expect(state).toMatchObject({ phase: 'cart', totalFen: 1534, orderId: null })
    expect(state.lines).toEqual([
      { name: '茶叶蛋', quantity: 2, amountFen: 300 },
      { name: '按金额收款', quantity: 1, amountFen: 1234 },
    ])
  })

  it('shows the order while a wallet is being chosen, then its live QR codes with their modes', () => {
    expect(displayStateOf(input({ order: order() }))).toMatchObject({ phase: 'choosing', orderNumber: 42, codes: [] })
    const paying = displayStateOf(
      input({
        order: order(),
        panels: [QR, { ...QR, wallet: 'alipay', qrContent: 'https://qr.alipay.com/x', status: 'closed' }],
      }),
    )
    expect(paying.phase).toBe('paying')
    expect(paying.codes).toEqual([{ wallet: 'wechat', label: 'wechat', content: QR.qrContent, mode: 'simulator' }])
  })

  it('shows a friend-pay request that is still open', () => {
    const friendRequest = { url: 'http://x/f/1.s', payCode: '7K3M-Q9PD', status: 'open' as const, locked: false }
    const state = displayStateOf(input({ order: order(), friendRequest }))
    expect(state).toMatchObject({ phase: 'paying', friendPay: { url: 'http://x/f/1.s', code: '7K3M-Q9PD' } })
    expect(displayStateOf(input({ order: order(), friendRequest: { ...friendRequest, locked: true } })).phase).toBe(
      'choosing',
    )
  })

  it('shows the payment with its wallet once paid, and no code any more', () => {
    const paid = order({ status: 'paid', paidWallet: 'wechat', paidAt: '2026-11-30T04:01:00.000Z' })
    const state = displayStateOf(input({ order: paid, panels: [QR] }))
    expect(state).toMatchObject({
      phase: 'paid',
      codes: [],
      paid: { wallet: 'wechat', amountFen: 700, at: '2026-11-30T04:01:00.000Z' },
    })
    expect(displayStateOf(input({ order: order({ status: 'cancelled' }) })).phase).toBe('cancelled')
  })

  it('always fits the engine’s schema', () => {
    const many = Array.from({ length: 250 }, (_, i) => ({ name: `商品${i}`, quantity: 1, unitPriceFen: 100 }))
    const states = [
      displayStateOf(input({ cartLines: many, cartTotalFen: 25_000 })),
      displayStateOf(
        input({ order: order(), panels: Array.from({ length: 10 }, (_, i) => ({ ...QR, qrContent: `c${i}` })) }),
      ),
      displayStateOf(
        input({ order: order({ status: 'paid', paidWallet: 'cash', paidAt: '2026-11-30T04:01:00.000Z' }) }),
      ),
    ]
    for (const state of states) expect(DisplayState.safeParse(state).success).toBe(true)
  })
})

describe('the customer display itself', () => {
  const paid = { ...IDLE_DISPLAY, phase: 'paid' as const, paid: { wallet: 'wechat' as const, amountFen: 700, at: 'x' } }
  const cart = { ...IDLE_DISPLAY, phase: 'cart' as const, totalFen: 150 }

  it('keeps 支付成功 on screen for its moment when the till goes idle at once, but not for a new customer', () => {
    expect(nextDisplayState(paid, IDLE_DISPLAY, 1000, 1000 + PAID_HOLD_MS - 1)).toBe(paid)
    expect(nextDisplayState(paid, IDLE_DISPLAY, 1000, 1000 + PAID_HOLD_MS)).toBe(IDLE_DISPLAY)
    expect(nextDisplayState(paid, cart, 1000, 1001)).toBe(cart)
  })

  it('turns to paid on the engine’s word for the order it shows, and only that order', () => {
    const showing = { ...IDLE_DISPLAY, phase: 'paying' as const, orderId: 'ord_1', totalFen: 700 }
    const event = (orderId: string, type = 'order.paid') =>
      ({
        seq: 1,
        type,
        orderId,
        attemptId: 'pay_1',
        at: '2026-11-30T04:01:00.000Z',
        data: { wallet: 'alipay' },
      }) as unknown as EngineEvent
    expect(paidFromEvent(showing, event('ord_1'))).toMatchObject({
      phase: 'paid',
      codes: [],
      paid: { wallet: 'alipay', amountFen: 700, at: '2026-11-30T04:01:00.000Z' },
    })
    expect(paidFromEvent(showing, event('ord_2'))).toBeNull()
    expect(paidFromEvent(showing, event('ord_1', 'payment.pending'))).toBeNull()
  })
})
