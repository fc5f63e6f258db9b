import { describe, expect, it } from 'vitest'
import {
  authorizationHeader,
  computeSign,
  openBodySignature,
  sha256Hex,
  signContent,
  signTypeOf,
  verifySign,
} from '../../src/engine/providers/chinaums/crypto'

/*
 * No published test vector was found, so these were computed independently with OpenSSL 3:
 *
 *   BODY='{"requestTimestamp":"2024-01-05 14:30:00",…}'          # the exact string below
 *   H=$(printf '%s' "$BODY" | openssl dgst -sha256 -hex | awk '{print $NF}')
 *   printf '%s' "$APPID$TS$NONCE$H" | openssl dgst -sha256 -hmac "$APPKEY" -binary | base64
 *
 *   printf '%s' "$SIGN_CONTENT$KEY" | openssl dgst -md5 -hex      # upper-cased
 *   printf '%s' "$SIGN_CONTENT$KEY" | openssl dgst -sha256 -hex   # upper-cased
 */
const APP_ID = 'f0ec96ad2c3848b5b810e7aadf369e2f'
const APP_KEY = '775481e2556e4564985f5439a5e6a277'
const TIMESTAMP = '20240105143000'
const NONCE = 'b1a7c43f0d2e4e3a9f6b5c8d7e0a1f23'
const BODY =
  '{"requestTimestamp":"2024-01-05 14:30:00","mid":"898340149000005","tid":"88880001","instMid":"QRPAYDEFAULT",' +
  '"billNo":"319401HKZ2X3M4N5P6Q7R8S9T0VW","billDate":"2024-01-05"}'
const NOTIFY_KEY = 'hutongNotifyKeyForTests0000000000000000000000000'

describe('OPEN-BODY-SIG', () => {
  it('hashes the body to lower-case hex SHA-256', () => {
    expect(sha256Hex(BODY)).toBe('26aa324e1bf6292b0212126370aee02f730836cd24fdfaeaee8a826194c9b96a')
  })

  it('signs AppId + Timestamp + Nonce + hex(SHA256(body)) with HMAC-SHA256 keyed by the AppKey, in base64', () => {
    const parts = { appId: APP_ID, appKey: APP_KEY, timestamp: TIMESTAMP, nonce: NONCE, body: BODY }
    expect(openBodySignature(parts)).toBe('whvaOmV8vT3VjR0MXDgd8cYYW8keEXj/FtqSpIEApd8=')
    expect(authorizationHeader(parts)).toBe(
      `OPEN-BODY-SIG AppId="${APP_ID}", Timestamp="${TIMESTAMP}", Nonce="${NONCE}", ` +
        'Signature="whvaOmV8vT3VjR0MXDgd8cYYW8keEXj/FtqSpIEApd8="',
    )
  })

  it('changes with any byte of the body', () => {
    const parts = { appId: APP_ID, appKey: APP_KEY, timestamp: TIMESTAMP, nonce: NONCE, body: BODY }
    expect(openBodySignature({ ...parts, body: BODY.replace('2024-01-05"}', '2024-01-06"}') })).not.toBe(
      openBodySignature(parts),
    )
  })
})

describe('notification sign (communication key)', () => {
  const fields = {
    totalAmount: '1234',
    mid: '898340149000005',
    billStatus: 'PAID',
    tid: '88880001',
    billNo: '319401HKZ2X3M4N5P6Q7R8S9T0VW',
    billDate: '2024-01-05',
  }

  it('sorts the fields, joins them as k=v&…, and appends the key directly', () => {
    expect(signContent({ ...fields, sign: 'X', billDesc: '' }, 'KEY')).toBe(
      'billDate=2024-01-05&billNo=319401HKZ2X3M4N5P6Q7R8S9T0VW&billStatus=PAID&mid=898340149000005&tid=88880001&totalAmount=1234KEY',
    )
  })

  it('gives the OpenSSL MD5 and SHA256 values', () => {
    expect(computeSign(fields, NOTIFY_KEY, 'MD5')).toBe('FD72F488885BED612A18F6522380C45A')
    expect(computeSign({ ...fields, signType: 'SHA256' }, NOTIFY_KEY, 'SHA256')).toBe(
      '2DD33BF0AAD4103EC378B61691045AF859B90CC7015F3E3EFE49E5CECA098C34',
    )
  })

  it('verifies by signType, in either case, and refuses anything else', () => {
    expect(verifySign({ ...fields, sign: 'FD72F488885BED612A18F6522380C45A' }, NOTIFY_KEY)).toBe(true)
    expect(verifySign({ ...fields, sign: 'fd72f488885bed612a18f6522380c45a' }, NOTIFY_KEY)).toBe(true)
    expect(verifySign({ ...fields, signType: 'MD5', sign: 'FD72F488885BED612A18F6522380C45A' }, NOTIFY_KEY)).toBe(false)
    const sha = '2DD33BF0AAD4103EC378B61691045AF859B90CC7015F3E3EFE49E5CECA098C34'
    expect(verifySign({ ...fields, signType: 'SHA256', sign: sha }, NOTIFY_KEY)).toBe(true)
    expect(verifySign({ ...fields, signType: 'SHA256', sign: sha }, `${NOTIFY_KEY}x`)).toBe(false)
    expect(verifySign({ ...fields, totalAmount: '1', sign: 'FD72F488885BED612A18F6522380C45A' }, NOTIFY_KEY)).toBe(
      false,
    )
    expect(verifySign({ ...fields, signType: 'RSA2', sign: 'FD72F488885BED612A18F6522380C45A' }, NOTIFY_KEY)).toBe(
      false,
    )
    expect(verifySign(fields, NOTIFY_KEY)).toBe(false)
  })

  it('also accepts a sign that covered empty fields, which some senders include', () => {
    const withEmpty = { ...fields, billDesc: '' }
    const sign = computeSign(withEmpty, NOTIFY_KEY, 'MD5', true)
    expect(sign).not.toBe('FD72F488885BED612A18F6522380C45A')
    expect(verifySign({ ...withEmpty, sign }, NOTIFY_KEY)).toBe(true)
    expect(verifySign({ ...withEmpty, sign: 'FD72F488885BED612A18F6522380C45A' }, NOTIFY_KEY)).toBe(true)
  })

  it('reads signType: absent or MD5 is MD5, SHA256 is SHA256, others are refused', () => {
    expect(signTypeOf(undefined)).toBe('MD5')
    expect(signTypeOf('MD5')).toBe('MD5')
    expect(signTypeOf('SHA256')).toBe('SHA256')
    expect(signTypeOf('sha256')).toBeNull()
  })
})
