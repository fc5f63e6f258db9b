import { describe, expect, it } from 'vitest'
import enUS from '../../../src/renderer/src/locales/en-US.json'
import zhCN from '../../../src/renderer/src/locales/zh-CN.json'
import { FRIEND_PAY_MODES, FRIEND_PAY_STATUSES, UNAVAILABLE_REASONS } from '../../../src/shared/api/schemas'
import { ERROR_STATUS, PAYMENT_END_REASONS } from '../../../src/shared/errors'
import { EVENT_TYPES } from '../../../src/shared/events'
import { ATTEMPT_STATUSES, ORDER_VIEW_STATUSES } from '../../../src/shared/states'
import { REFUND_REASONS, REFUND_STATUSES } from '../../../src/shared/refunds'
import { WALLET_IDS } from '../../../src/shared/wallets'
import { CASH_IN_REASONS, CASH_OUT_REASONS } from '../../../src/shared/api/shiftSchemas'
import { BOOKS_CHECKS } from '../../../src/renderer/src/lib/dayReport'

type Messages = { [key: string]: string | Messages }

function keys(messages: Messages, prefix = ''): string[] {
  return Object.entries(messages).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : keys(value, `${prefix}${key}.`),
  )
}

function lookup(messages: Messages, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Messages | undefined)?.[key], messages)
}

describe('locales', () => {
  it('zh-CN and en-US have exactly the same keys, none empty', () => {
    expect(keys(enUS).sort()).toEqual(keys(zhCN).sort())
    for (const key of keys(zhCN)) {
      expect(lookup(zhCN, key), key).not.toBe('')
      expect(lookup(enUS, key), key).not.toBe('')
    }
  })

  it('name every wallet, status, engine event, error code and payment end reason', () => {
    const required = [
      ...WALLET_IDS.map((id) => `wallets.${id}`),
      ...WALLET_IDS.map((id) => `qr.scanWith.${id}`),
      ...ORDER_VIEW_STATUSES.map((s) => `orderStatus.${s}`),
      ...REFUND_REASONS.map((reason) => `refunds.reason.${reason}`),
      ...REFUND_STATUSES.map((status) => `refunds.status.${status}`),
      ...ATTEMPT_STATUSES.map((s) => `attemptStatus.${s}`),
      ...EVENT_TYPES.map((type) => `events.${type}`),
      ...UNAVAILABLE_REASONS.map((reason) => `reasons.${reason}`),
      ...[
        'payment.reversed',
        'refund.created',
        'refund.succeeded',
        'refund.failed',
        'config.changed',
        'aggregate.created',
      ].map((type) => `events.${type}`),
      ...['duplicate_payment', 'late_payment'].map((reason) => `refunds.reason.${reason}`),
      ...Object.keys(ERROR_STATUS).map((code) => `errors.codes.${code}`),
      ...PAYMENT_END_REASONS.map((reason) => `failures.${reason}`),
      ...FRIEND_PAY_MODES.map((mode) => `friendPay.modes.${mode}`),
      ...FRIEND_PAY_MODES.map((mode) => `friendPay.modeHints.${mode}`),
      ...[...FRIEND_PAY_STATUSES, 'locked'].map((status) => `friendPay.status.${status}`),
      ...[...CASH_IN_REASONS, ...CASH_OUT_REASONS].map((reason) => `shift.reasons.${reason}`),
      ...['float', 'in', 'out', 'sale', 'refund'].map((kind) => `shift.movements.kinds.${kind}`),
      ...['over', 'short', 'even'].flatMap((v) => [`shift.verdict.${v}`, `shift.difference.${v}`]),
      ...['trading', 'unclosed', 'closed'].map((status) => `day.status.${status}`),
      ...[...BOOKS_CHECKS, 'unknown'].map((check) => `books.problems.${check}`),
      ...['DISABLED', 'AMOUNT_ABOVE_MAX', 'NO_ELIGIBLE_WALLET', 'UNKNOWN'].map(
        (reason) => `friendPay.refusals.${reason}`,
      ),
    ]
    for (const locale of [zhCN, enUS]) {
      for (const key of required) expect(typeof lookup(locale, key), key).toBe('string')
    }
  })

  it('says paid and scan hints the way the counter expects', () => {
    expect(zhCN.receipt.status).toBe('支付成功')
    expect(enUS.receipt.status).toBe('Paid')
    expect(zhCN.qr.scanWith.wechat).toBe('请使用微信扫一扫')
    expect(zhCN.qr.scanWith.alipay).toBe('请使用支付宝扫一扫')
    expect(enUS.qr.scanWith.wechat).toBe('Scan with WeChat')
    expect(enUS.qr.scanWith.alipay).toBe('Scan with Alipay')
    expect(zhCN.friendPay.entry).toBe('找朋友帮我付')
    expect(zhCN.friendPay.refusals.AMOUNT_ABOVE_MAX).toBe('超过代付上限 {max}')
  })
})
