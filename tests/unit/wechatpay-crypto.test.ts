import { createCipheriv, createVerify, generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  aes256GcmDecrypt,
  authorizationHeader,
  decryptResource,
  newNonce,
  privateKeyFromPem,
  publicKeyFromPem,
  requestMessage,
  responseMessage,
  signSha256WithRsa,
  signV2,
  verifySha256WithRsa,
} from '../../src/engine/providers/wechatpay/crypto'

const hex = (value: string): Buffer => Buffer.from(value, 'hex')

describe('WeChat Pay APIv2 signature (安全规范 example)', () => {
  // The documented example: appid wxd930ea5d5a258f4f, mch_id 10000100, device_info 1000, body test,
  // nonce_str ibuaiVcKdpRxkhJA, key 192006250b4c09247ec02edce69f6a2d.
  const params = {
    appid: 'wxd930ea5d5a258f4f',
    mch_id: '10000100',
    device_info: '1000',
    body: 'test',
    nonce_str: 'ibuaiVcKdpRxkhJA',
  }
  const key = '192006250b4c09247ec02edce69f6a2d'

  it('MD5 gives the documented sign', () => {
    expect(signV2(params, key, 'MD5')).toBe('9A0A8659F005D6984697E2CA0A9CF3B7')
  })

  it('HMAC-SHA256 gives the documented sign', () => {
    expect(signV2(params, key, 'HMAC-SHA256')).toBe('6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6')
  })

  it('leaves out sign and empty values, whatever the insertion order', () => {
    const shuffled = {
      nonce_str: 'ibuaiVcKdpRxkhJA',
      sign: 'X',
      attach: '',
      body: 'test',
      detail: undefined,
      mch_id: '10000100',
      device_info: '1000',
      appid: 'wxd930ea5d5a258f4f',
    }
    expect(signV2(shuffled, key, 'MD5')).toBe('9A0A8659F005D6984697E2CA0A9CF3B7')
  })
})

describe('AEAD_AES_256_GCM (McGrew–Viega GCM test cases, 256-bit key)', () => {
  it('test case 13: empty plaintext', () => {
    expect(
      aes256GcmDecrypt(Buffer.alloc(32), Buffer.alloc(12), Buffer.alloc(0), hex('530f8afbc74536b9a963b4f1c4cb738b')),
    ).toEqual(Buffer.alloc(0))
  })

  it('test case 14: one zero block', () => {
    const sealed = hex('cea7403d4d606b6e074ec5d3baf39d18' + 'd0d1c8a799996bf0265b98b5d48ab919')
    expect(aes256GcmDecrypt(Buffer.alloc(32), Buffer.alloc(12), Buffer.alloc(0), sealed)).toEqual(Buffer.alloc(16))
  })

  const tc16 = {
    key: hex('feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308'),
    iv: hex('cafebabefacedbaddecaf888'),
    aad: hex('feedfacedeadbeeffeedfacedeadbeefabaddad2'),
    plaintext: hex(
      'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39',
    ),
    sealed: hex(
      '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662' +
        '76fc6ece0f4e1768cddf8853bb2d551b',
    ),
  }

  it('test case 16: with associated data', () => {
    expect(aes256GcmDecrypt(tc16.key, tc16.iv, tc16.aad, tc16.sealed)).toEqual(tc16.plaintext)
  })

  it('refuses a changed tag, ciphertext or associated data', () => {
    const badTag = Buffer.from(tc16.sealed)
    badTag[badTag.length - 1]! ^= 1
    expect(() => aes256GcmDecrypt(tc16.key, tc16.iv, tc16.aad, badTag)).toThrow()
    const badText = Buffer.from(tc16.sealed)
    badText[0]! ^= 1
    expect(() => aes256GcmDecrypt(tc16.key, tc16.iv, tc16.aad, badText)).toThrow()
    expect(() => aes256GcmDecrypt(tc16.key, tc16.iv, Buffer.from('other'), tc16.sealed)).toThrow()
  })

  it('decrypts a notification resource sealed with the APIv3 key', () => {
    const apiV3Key = 'a'.repeat(32)
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key), Buffer.from('fdasflkja484'))
    cipher.setAAD(Buffer.from('transaction'))
    const ciphertext = Buffer.concat([
      cipher.update('{"trade_state":"SUCCESS"}'),
      cipher.final(),
      cipher.getAuthTag(),
    ]).toString('base64')
    expect(decryptResource(apiV3Key, { nonce: 'fdasflkja484', associatedData: 'transaction', ciphertext })).toBe(
      '{"trade_state":"SUCCESS"}',
    )
    expect(() =>
      decryptResource('b'.repeat(32), { nonce: 'fdasflkja484', associatedData: 'transaction', ciphertext }),
    ).toThrow()
  })
})

describe('WeChat Pay API v3 signatures', () => {
  const pair = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  })
  const privateKey = privateKeyFromPem(pair.privateKey)
  const publicKey = publicKeyFromPem(pair.publicKey)

  it('builds the request message exactly as documented', () => {
    expect(requestMessage('GET', '/v3/certificates', '1554208460', '593BEC0C930BF1AFEB40B4A08C8FB242', '')).toBe(
      'GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n',
    )
  })

  it('round-trips an Authorization header that an independent verifier accepts', () => {
    const body = '{"mchid":"1230000109","out_trade_no":"pay_0001"}'
    const header = authorizationHeader({
      method: 'POST',
      pathWithQuery: '/v3/pay/transactions/native',
      body,
      mchId: '1230000109',
      serialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
      privateKey,
      timestamp: 1554208460,
      nonce: '593BEC0C930BF1AFEB40B4A08C8FB242',
    })
    const match =
      /^WECHATPAY2-SHA256-RSA2048 mchid="(\d+)",nonce_str="(\w+)",signature="([^"]+)",timestamp="(\d+)",serial_no="(\w+)"$/.exec(
        header,
      )
    expect(match).not.toBeNull()
    const [, mchid, nonce, signature, timestamp, serial] = match!
    expect([mchid, nonce, timestamp, serial]).toEqual([
      '1230000109',
      '593BEC0C930BF1AFEB40B4A08C8FB242',
      '1554208460',
      '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
    ])
    const message = `POST\n/v3/pay/transactions/native\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n${body}\n`
    expect(createVerify('RSA-SHA256').update(message).verify(pair.publicKey, signature!, 'base64')).toBe(true)
    expect(
      createVerify('RSA-SHA256')
        .update(message.replace('pay_0001', 'pay_0002'))
        .verify(pair.publicKey, signature!, 'base64'),
    ).toBe(false)
  })

  it('verifies an answer over TIMESTAMP\\nNONCE\\nBODY\\n and nothing else', () => {
    const body = '{"code_url":"weixin://wxpay/bizpayurl?pr=p4lpSuKzz"}'
    const signature = signSha256WithRsa(
      responseMessage('1554209980', 'c5ac7061fccab6bf3e254dcf98995b8c', body),
      privateKey,
    )
    expect(
      verifySha256WithRsa(
        responseMessage('1554209980', 'c5ac7061fccab6bf3e254dcf98995b8c', body),
        signature,
        publicKey,
      ),
    ).toBe(true)
    expect(
      verifySha256WithRsa(
        responseMessage('1554209981', 'c5ac7061fccab6bf3e254dcf98995b8c', body),
        signature,
        publicKey,
      ),
    ).toBe(false)
    expect(
      verifySha256WithRsa(
        responseMessage('1554209980', 'c5ac7061fccab6bf3e254dcf98995b8c', body + ' '),
        signature,
        publicKey,
      ),
    ).toBe(false)
    // WeChat Pay probes merchants with deliberately wrong signatures; they must fail.
    expect(
      verifySha256WithRsa(
        responseMessage('1554209980', 'c5ac7061fccab6bf3e254dcf98995b8c', body),
        `WECHATPAY/SIGNTEST/${signature}`,
        publicKey,
      ),
    ).toBe(false)
  })

  it('makes 32-character alphanumeric nonces that do not repeat', () => {
    const nonces = new Set(Array.from({ length: 200 }, () => newNonce()))
    expect(nonces.size).toBe(200)
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9]{32}$/)
  })
})
