import { createPublicKey, createVerify, generateKeyPairSync } from 'node:crypto'
import { AlipaySdk } from 'alipay-sdk'
import { describe, expect, it } from 'vitest'
import { EngineError } from '../../src/shared/errors'
import { createManualClock } from '../../src/engine/clock'
import type { SecurityEvent } from '../../src/engine/providers/common'
import { createAlipayProvider } from '../../src/engine/providers/alipay'
import { loadPrivateKey, loadPublicKey, requestSignContent, signRsa2 } from '../../src/engine/providers/alipay/crypto'
import {
  formatBeijingTime,
  parseBeijingTime,
  toSubject,
  toYuan,
  yuanToFen,
} from '../../src/engine/providers/alipay/format'
import { topLevelMembers } from '../../src/engine/providers/alipay/json'
import { notificationSignContent, parseForm } from '../../src/engine/providers/alipay/notification'

/**
 * Published vector: the trade_status_sync notification and Alipay public key from alipay-sdk's own test
 * suite (alipay/alipay-sdk-nodejs-all, test/alipay.test.ts, "verify sign should delete sign_type").
 */
const VECTOR_PUBLIC_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqObrdC7hrgAVM98tK0nv3hSQRGGKT4lBsQjHiGjeYZjOPIPHR5knm2jnnz/YGIXIofVHkA/tAlBAd5DrY7YpvI4tP5EONLtZKC2ghBMx7McI2wRD0xiqzxOQr1FuhZGJ8/AUokBzJrzY+aGX2xcOrxFYRlFilvVLTXg4LWjR1tdPkO6+i7wQZAIVMClPkwVRZEbaERRHlKqTzv2gGv5rDU8gRoe1LeaN+6BlbTqHWkQcNCUNrA8C6l17XAXGKDsm/9TFWwO8EPHHHCaQdjtV5/FdcWIt+L8SR1ss7EXTjYDFtxcKVv9rEoY1lX8T4mX+GbXfZHraG5NCF1+XioL5JwIDAQAB'

const VECTOR_FIELDS: Record<string, string> = {
  gmt_create: '2019-08-15 15:56:22',
  charset: 'utf-8',
  seller_email: 'z97-yuquerevenue@service.aliyun.com',
  subject: '语雀空间 500人规模',
  sign: 'QfTb8tqE1BMhS5qAnXtvsF3/jBkEvu9q9en0pdbBUDDjvKycZhQb7h8GDs4FKfi049PynaNuatxSgLb/nLWZpXyyh0LEWdK2S6Ri7nPwrVgOs08zugLO20vOQz44y3ti2Ncm8/wZts1Fr2gZ7pShnVX3d1B50hbsXnObT1r/U8ONNQjWXd0HIul4TG+Q3fm3svmSvFEy0WnzuhcyHPX5Gm4ELNctL6Qd5YniGJFNcc7kopHYtI/XD9YCKCH6Ct02rzUs9i11C9CsadtZn+WhxF26Dqt9sGEFajkJ8cxUTLi8+VCpLHsgPE8P0y095uQcDdK0YjCh4x7wVSov+lrmOQ==',
  buyer_id: '2088102534368455',
  invoice_amount: '0.10',
  notify_id: '2019081500222155624068450559358070',
  fund_bill_list: '[{"amount":"0.10","fundChannel":"ALIPAYACCOUNT"}]',
  notify_type: 'trade_status_sync',
  trade_status: 'TRADE_SUCCESS',
  receipt_amount: '0.10',
  buyer_pay_amount: '0.10',
  sign_type: 'RSA2',
  app_id: '2019073166072302',
  seller_id: '2088531891668739',
  gmt_payment: '2019-08-15 15:56:24',
  notify_time: '2019-08-15 15:56:25',
  version: '1.0',
  out_trade_no: '20190815155618536-564-57',
  total_amount: '0.10',
  trade_no: '2019081522001468450512505578',
  auth_app_id: '2019073166072302',
  buyer_logon_id: 'xud***@126.com',
  point_amount: '0.00',
}

function formBody(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&')
}

const appKeys = generateKeyPairSync('rsa', { modulusLength: 2048 })
const appPrivatePem = appKeys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()

function vectorProvider(events: SecurityEvent[], appId = VECTOR_FIELDS.app_id!) {
  // The vector's notify_time is 2019-08-15 15:56:25 Beijing time; the clock stands just after it.
  const clock = createManualClock(Date.parse('2019-08-15T15:56:30+08:00'))
  return createAlipayProvider(
    {
      mode: 'sandbox',
      gatewayUrl: 'http://127.0.0.1:9/gateway.do',
      appId,
      appPrivateKeyPem: appPrivatePem,
      alipayPublicKeyPem: VECTOR_PUBLIC_KEY,
      notifyUrl: null,
    },
    { clock, onSecurityEvent: (e) => events.push(e) },
  )
}

describe('Alipay notification verification: alipay-sdk published vector', () => {
  it('accepts the published notification and reads its trade', async () => {
    const events: SecurityEvent[] = []
    const trade = await vectorProvider(events).parseNotification({
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: formBody(VECTOR_FIELDS),
    })
    expect(trade).toEqual({
      outTradeNo: '20190815155618536-564-57',
      state: 'SUCCESS',
      amountFen: 10,
      providerTradeNo: '2019081522001468450512505578',
      paidAt: Date.parse('2019-08-15T15:56:24+08:00'),
    })
    expect(events).toEqual([])
  })

  it('signs the content without sign and sign_type, as the SDK does for this vector', () => {
    const fields = parseForm(formBody(VECTOR_FIELDS), undefined)
    const content = notificationSignContent(fields).toString('utf8')
    expect(content.startsWith('app_id=2019073166072302&auth_app_id=2019073166072302&buyer_id=')).toBe(true)
    expect(content).not.toMatch(/(^|&)sign(_type)?=/)
    const verifier = createVerify('RSA-SHA256').update(content, 'utf8')
    expect(verifier.verify(loadPublicKey(VECTOR_PUBLIC_KEY), VECTOR_FIELDS.sign!, 'base64')).toBe(true)
    // The SDK itself agrees on the same input.
    const sdk = new AlipaySdk({
      appId: VECTOR_FIELDS.app_id!,
      privateKey: appPrivatePem,
      alipayPublicKey: VECTOR_PUBLIC_KEY,
    })
    expect(sdk.checkNotifySignV2({ ...VECTOR_FIELDS })).toBe(true)
  })

  it.each([
    ['a tampered amount', { total_amount: '100.10' }],
    ['a tampered status', { trade_status: 'TRADE_CLOSED' }],
    ['a stripped signature', { sign: '' }],
  ])('rejects the vector with %s and reports it', async (_label, change) => {
    const events: SecurityEvent[] = []
    await expect(
      vectorProvider(events).parseNotification({ headers: {}, body: formBody({ ...VECTOR_FIELDS, ...change }) }),
    ).rejects.toMatchObject({ code: 'NOTIFICATION_REJECTED' })
    expect(events).toHaveLength(1)
    expect(events[0]!.kind).toBe('notification_signature')
  })

  it('rejects the genuine vector sent to another app', async () => {
    const events: SecurityEvent[] = []
    await expect(
      vectorProvider(events, '2021000000000009').parseNotification({ headers: {}, body: formBody(VECTOR_FIELDS) }),
    ).rejects.toMatchObject({ code: 'NOTIFICATION_REJECTED', message: expect.stringContaining('app_id') })
  })

  it('rejects a repeated field instead of picking one of them', async () => {
    const events: SecurityEvent[] = []
    await expect(
      vectorProvider(events).parseNotification({ headers: {}, body: `${formBody(VECTOR_FIELDS)}&total_amount=999.00` }),
    ).rejects.toBeInstanceOf(EngineError)
  })
})

describe('Alipay request signing (RSA2)', () => {
  const params: Record<string, string> = {
    app_id: '2014072300007148',
    method: 'alipay.trade.precreate',
    format: 'JSON',
    charset: 'utf-8',
    sign_type: 'RSA2',
    timestamp: '2014-07-24 03:07:50',
    version: '1.0',
    notify_url: '',
    biz_content: '{"out_trade_no":"20150320010101001","total_amount":"88.88","subject":"Iphone6 16G"}',
  }

  it('builds the documented signing string: sorted, raw values, empty values and sign left out', () => {
    expect(requestSignContent({ ...params, sign: 'x' })).toBe(
      'app_id=2014072300007148&biz_content={"out_trade_no":"20150320010101001","total_amount":"88.88","subject":"Iphone6 16G"}' +
        '&charset=utf-8&format=JSON&method=alipay.trade.precreate&sign_type=RSA2&timestamp=2014-07-24 03:07:50&version=1.0',
    )
  })

  it('produces the same signature as alipay-sdk and verifies with an independent verifier', () => {
    const ours = signRsa2(requestSignContent(params), loadPrivateKey(appPrivatePem))
    const publicKey = createPublicKey(appKeys.publicKey.export({ type: 'spki', format: 'pem' }))
    expect(createVerify('RSA-SHA256').update(requestSignContent(params)).verify(publicKey, ours, 'base64')).toBe(true)
    const sdk = new AlipaySdk({ appId: params.app_id!, privateKey: appPrivatePem, signType: 'RSA2' })
    const signed = new URLSearchParams(
      sdk.sdkExecute(
        'alipay.trade.precreate',
        { timestamp: params.timestamp, format: 'JSON', bizContent: JSON.parse(params.biz_content!) },
        { bizContentAutoSnakeCase: false },
      ),
    )
    expect(signed.get('biz_content')).toBe(params.biz_content)
    // PKCS#1 v1.5 signatures are deterministic: two correct implementations agree byte for byte.
    expect(signed.get('sign')).toBe(ours)
  })

  it('loads keys as PKCS#1 or PKCS#8 PEM and as bare base64 bodies, the same key each time', () => {
    const pkcs8 = appKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    const bare = pkcs8.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '')
    const bare1 = appPrivatePem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '')
    const signatures = [appPrivatePem, pkcs8, bare, bare1].map((k) => signRsa2('x', loadPrivateKey(k)))
    expect(new Set(signatures).size).toBe(1)
    expect(() => loadPrivateKey('not a key!')).toThrow(/not PEM or base64/)
  })

  it('never echoes key material in a key error', () => {
    const broken = appPrivatePem.replace(/\n[A-Za-z0-9+/]{64}\n/, '\n' + 'A'.repeat(64) + '\n')
    let caught: unknown = null
    try {
      createAlipayProvider(
        {
          mode: 'sandbox',
          gatewayUrl: 'http://127.0.0.1:9/',
          appId: '1',
          appPrivateKeyPem: broken,
          alipayPublicKeyPem: VECTOR_PUBLIC_KEY,
          notifyUrl: null,
        },
        { clock: createManualClock(0), onSecurityEvent: () => undefined },
      )
    } catch (error) {
      caught = error
    }
    expect(caught).toMatchObject({ code: 'VALIDATION_FAILED' })
    const text = JSON.stringify({ message: (caught as Error).message, details: (caught as EngineError).details })
    for (const line of appPrivatePem.split('\n').filter((l) => l.length > 20))
      expect(text).not.toContain(line.slice(0, 16))
  })
})

describe('Alipay edge formats', () => {
  it('converts fen to exact yuan strings and back', () => {
    for (const [fen, yuan] of [
      [1, '0.01'],
      [1230, '12.30'],
      [100_000_000, '1000000.00'],
      [10_000_000_000, '100000000.00'],
    ] as const) {
      expect(toYuan(fen)).toBe(yuan)
      expect(yuanToFen(yuan)).toBe(fen)
    }
    expect(yuanToFen('12.3')).toBe(1230)
    expect(() => toYuan(0)).toThrow(EngineError)
    expect(() => toYuan(1.5)).toThrow(EngineError)
    expect(() => toYuan(10_000_000_001)).toThrow(EngineError)
    expect(yuanToFen('1e3')).toBeNull()
    expect(yuanToFen(12.3)).toBeNull()
  })

  it('writes and reads Beijing time whatever the machine time zone', () => {
    const ms = Date.parse('2024-09-01T00:30:05Z')
    expect(formatBeijingTime(ms)).toBe('2024-09-01 08:30:05')
    expect(parseBeijingTime('2024-09-01 08:30:05')).toBe(ms)
    expect(parseBeijingTime('2024-09-01T08:30:05')).toBeNull()
  })

  it('keeps subjects within 256 characters and free of / = &', () => {
    expect(toSubject('A/B=C&D')).toBe('A B C D')
    expect(Array.from(toSubject('货'.repeat(300)))).toHaveLength(256)
  })

  it('returns the raw text of each top-level member and refuses duplicates', () => {
    const text = '{"a_response":{"qr_code":"https:\\/\\/qr.alipay.com\\/x","n":[1,{"b":"}"}]},"sign":"abc"}'
    const members = topLevelMembers(text)
    expect(members.get('a_response')).toBe('{"qr_code":"https:\\/\\/qr.alipay.com\\/x","n":[1,{"b":"}"}]}')
    expect(members.get('sign')).toBe('"abc"')
    expect(() => topLevelMembers('{"a":1,"a":2}')).toThrow(/duplicate/)
    expect(() => topLevelMembers('{"a":1} x')).toThrow()
  })

  it('verifies GBK notifications over their GBK bytes', () => {
    // subject "测试" in GBK is B2 E2 CA D4.
    const fields = parseForm('charset=gbk&subject=%B2%E2%CA%D4&sign=x&sign_type=RSA2', undefined)
    expect(fields.get('subject')!.text).toBe('测试')
    expect([...notificationSignContent(fields)]).toEqual([
      ...Buffer.from('charset=gbk&subject=', 'latin1'),
      0xb2,
      0xe2,
      0xca,
      0xd4,
    ])
  })
})
