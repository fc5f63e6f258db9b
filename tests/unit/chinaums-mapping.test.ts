import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/engine/clock'
import { createIdGenerator } from '../../src/engine/ids'
import {
  ChinaumsCredentialsInput,
  chinaumsFacts,
  chinaumsPublicFields,
  notificationReply,
  toChinaumsConfig,
} from '../../src/engine/providers/chinaums/index'
import {
  formatCompactDateTime,
  formatDate,
  formatDateTime,
  fromAcquirerNo,
  idDate,
  mapBillStatus,
  mapPosQueryResCode,
  mapRefundStatus,
  parseDateTime,
  parseFen,
  toAcquirerNo,
} from '../../src/engine/providers/chinaums/mapping'

// 2024-01-05T16:30:00Z is 2024-01-06 00:30:00 in Beijing.
const AFTER_MIDNIGHT_BEIJING = Date.UTC(2024, 0, 5, 16, 30, 0)

describe('Beijing time formats', () => {
  it('formats request, bill and signature times in UTC+8', () => {
    expect(formatDateTime(AFTER_MIDNIGHT_BEIJING)).toBe('2024-01-06 00:30:00')
    expect(formatDate(AFTER_MIDNIGHT_BEIJING)).toBe('2024-01-06')
    expect(formatCompactDateTime(AFTER_MIDNIGHT_BEIJING + 999)).toBe('20240106003000')
  })

  it('parses both layouts back, and refuses impossible dates', () => {
    expect(parseDateTime('2024-01-06 00:30:00')).toBe(AFTER_MIDNIGHT_BEIJING)
    expect(parseDateTime('20240106003000')).toBe(AFTER_MIDNIGHT_BEIJING)
    expect(parseDateTime('2024-02-30 00:00:00')).toBeNull()
    expect(parseDateTime('2024-01-06T00:30:00')).toBeNull()
    expect(parseDateTime(20240106003000)).toBeNull()
  })
})

describe('order numbers', () => {
  const newId = createIdGenerator(createManualClock(AFTER_MIDNIGHT_BEIJING))
  const trades = { msgSrcId: '3194', prefix: 'pay' }

  it('maps pay_<ULID> to the source number followed by the ULID, and back', () => {
    const id = newId('pay')
    const no = toAcquirerNo(trades, id, 'out_trade_no')
    expect(no).toBe(`3194${id.slice(4)}`)
    expect(no).toMatch(/^3194[0-9A-Z]{26}$/)
    expect(fromAcquirerNo(trades, no)).toBe(id)
  })

  it('refuses ids of another kind or form, and numbers that are not ours', () => {
    expect(() => toAcquirerNo(trades, newId('rfd'), 'out_trade_no')).toThrow(/pay_/)
    expect(() => toAcquirerNo(trades, 'pay_short', 'out_trade_no')).toThrow()
    expect(fromAcquirerNo(trades, `1017${newId('pay').slice(4)}`)).toBeNull()
    expect(fromAcquirerNo(trades, '3194not-a-ulid')).toBeNull()
    expect(fromAcquirerNo(trades, undefined)).toBeNull()
  })

  it('takes the bill date from the time inside the id, in Beijing', () => {
    expect(idDate(newId('pay'))).toBe('2024-01-06')
  })
})

describe('states and amounts', () => {
  it('maps billStatus', () => {
    expect(['PAID', 'REFUND', 'UNPAID', 'CLOSED', 'UNKNOWN', 'WAT'].map(mapBillStatus)).toEqual([
      'SUCCESS',
      'SUCCESS',
      'NOTPAY',
      'CLOSED',
      'USERPAYING',
      null,
    ])
  })

  it('maps POS通 queryResCode', () => {
    expect(['0', '1', '2', '3', '4', '5', 'FF', '9'].map(mapPosQueryResCode)).toEqual([
      'SUCCESS',
      'USERPAYING',
      'REVOKED',
      'SUCCESS',
      'REVOKED',
      'PAYERROR',
      'USERPAYING',
      null,
    ])
  })

  it('maps refundStatus', () => {
    expect(['SUCCESS', 'PROCESSING', 'UNKNOWN', 'FAIL', 'X'].map(mapRefundStatus)).toEqual([
      'SUCCESS',
      'PROCESSING',
      'PROCESSING',
      'CLOSED',
      null,
    ])
  })

  it('reads fen as whole numbers or digit strings only', () => {
    expect([1234, '1234', 12.5, '12.50', -1, '', null].map(parseFen)).toEqual([
      1234,
      1234,
      null,
      null,
      null,
      null,
      null,
    ])
  })
})

describe('credentials and facts', () => {
  const input = {
    wallet: 'unionpay',
    mode: 'sandbox',
    appId: 'f0ec96ad2c3848b5b810e7aadf369e2f',
    appKey: '775481e2556e4564985f5439a5e6a277',
    mid: '898340149000005',
    tid: '88880001',
    msgSrcId: '3194',
    notifyKey: 'hutongNotifyKeyForTests0000000000000000000000000',
  }

  it('accepts the merchant input, with defaults, and secrets left out on update', () => {
    const parsed = ChinaumsCredentialsInput.parse(input)
    expect(parsed).toMatchObject({ instMid: 'QRPAYDEFAULT', notifyUrl: null })
    const { appKey: _appKey, notifyKey: _notifyKey, ...update } = input
    expect(ChinaumsCredentialsInput.safeParse(update).success).toBe(true)
  })

  it('refuses unknown fields and malformed numbers', () => {
    expect(ChinaumsCredentialsInput.safeParse({ ...input, extra: 1 }).success).toBe(false)
    expect(ChinaumsCredentialsInput.safeParse({ ...input, msgSrcId: '31945' }).success).toBe(false)
    expect(ChinaumsCredentialsInput.safeParse({ ...input, wallet: 'wechat' }).success).toBe(false)
    expect(ChinaumsCredentialsInput.safeParse({ ...input, appKey: 'short' }).success).toBe(false)
  })

  it('turns stored fields and secrets into a configuration, with the default gateway', () => {
    const parsed = ChinaumsCredentialsInput.parse(input)
    const config = toChinaumsConfig({
      mode: 'production',
      gatewayUrl: null,
      publicFields: chinaumsPublicFields(parsed),
      secrets: { appKey: input.appKey, notifyKey: input.notifyKey },
    })
    expect(config).toMatchObject({ gatewayUrl: 'https://api-mop.chinaums.com', mid: input.mid, msgSrcId: '3194' })
    expect(JSON.stringify(chinaumsPublicFields(parsed))).not.toContain(input.appKey)
    expect(() =>
      toChinaumsConfig({ mode: 'sandbox', gatewayUrl: null, publicFields: chinaumsPublicFields(parsed), secrets: {} }),
    ).toThrow(/appKey/)
  })

  it('describes the provider for a wallet registry, and the notification reply', () => {
    expect(chinaumsFacts).toMatchObject({ id: 'chinaums', wallet: 'unionpay', wallets: ['unionpay'] })
    expect(chinaumsFacts.credentials.secretFields.map((f) => f.name)).toEqual(['appKey', 'notifyKey'])
    expect(notificationReply(true)).toEqual({ status: 200, contentType: 'text/plain; charset=utf-8', body: 'SUCCESS' })
    expect(notificationReply(false).body).toBe('FAILED')
  })
})
