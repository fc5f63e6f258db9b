import { describe, expect, it } from 'vitest'
import { DEFAULT_PAYMENT_CODE_RULES, detectWalletFromCode, maskPaymentCode } from '../../src/shared/paymentCodes'
import { walletFromUserAgent } from '../../src/shared/userAgent'

const detect = (code: string) => detectWalletFromCode(code, DEFAULT_PAYMENT_CODE_RULES)

describe('payment code detection', () => {
  it('WeChat Pay: 18 digits starting 10–15', () => {
    for (const prefix of ['10', '11', '12', '13', '14', '15'])
      expect(detect(`${prefix}${'0'.repeat(16)}`)).toBe('wechat')
    expect(detect(`16${'0'.repeat(16)}`)).toBeNull()
    expect(detect(`13${'0'.repeat(15)}`)).toBeNull() // 17 digits
  })

  it('Alipay: 16–24 digits starting 25–30', () => {
    for (let length = 16; length <= 24; length++) expect(detect(`28${'1'.repeat(length - 2)}`)).toBe('alipay')
    expect(detect(`25${'0'.repeat(13)}`)).toBeNull() // 15 digits
    expect(detect(`31${'0'.repeat(16)}`)).toBeNull()
  })

  it('UnionPay QuickPass: 19 digits starting 62; JD Pay and e-CNY by their configurable rules', () => {
    expect(detect(`62${'0'.repeat(17)}`)).toBe('unionpay')
    expect(detect(`18${'0'.repeat(16)}`)).toBe('jdpay')
    expect(detect(`01${'0'.repeat(17)}`)).toBe('ecny')
  })

  it('rejects anything that is not 10–32 digits', () => {
    for (const bad of ['', '13456789012345678a', ' ', '１３４５６７８９０１２３４５６７８'])
      expect(detect(bad)).toBeNull()
  })

  it('masks codes so that logs and timelines cannot replay them', () => {
    expect(maskPaymentCode('134567890123456789')).toBe('1345**********6789')
  })
})

describe('wallet app detection from the user agent', () => {
  it.each([
    ['Mozilla/5.0 (iPhone) AppleWebKit Mobile MicroMessenger/8.0.49 NetType/WIFI', 'wechat'],
    ['Mozilla/5.0 (Linux; Android 14) Chrome/120 AlipayClient/10.6.0', 'alipay'],
    [
      'Mozilla/5.0 (iPhone) (com.unionpay.chsp) (cordova 4.5.4) (updebug 0) (version 1010) (UnionPay/1.0 CloudPay)',
      'unionpay',
    ],
    ['Mozilla/5.0 (X11; Linux x86_64) Chrome/156 Safari/537.36', null],
  ])('%s → %s', (ua, wallet) => {
    expect(walletFromUserAgent(ua)).toBe(wallet)
  })
})
