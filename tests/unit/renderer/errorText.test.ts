import { describe, expect, it } from 'vitest'
import { errorMessageRef } from '../../../src/renderer/src/lib/errorText'
import en from '../../../src/renderer/src/locales/en-US.json'
import zh from '../../../src/renderer/src/locales/zh-CN.json'
import { EngineError } from '../../../src/shared/errors'

describe('what the cashier is told when a wallet fails', () => {
  it('names the wallet and says whether the charge was reversed, in both languages', () => {
    const unreachable = errorMessageRef(new EngineError('PROVIDER_ERROR', 'x', { wallet: 'wechat', reversed: false }))
    expect(unreachable).toEqual({ key: 'errors.walletUnreachable', params: { wallet: 'wechat' } })
    const reversed = errorMessageRef(new EngineError('PROVIDER_ERROR', 'x', { wallet: 'alipay', reversed: true }))
    expect(reversed).toEqual({ key: 'errors.walletReversed', params: { wallet: 'alipay' } })
    for (const messages of [zh, en]) {
      expect(messages.errors.walletUnreachable).toContain('{wallet}')
      expect(messages.errors.walletReversed).toContain('{wallet}')
    }
    expect(zh.errors.walletReversed).toContain('撤销')
  })

  it('falls back to the code’s words when the wallet is not known', () => {
    expect(errorMessageRef(new EngineError('PROVIDER_ERROR', 'x'))).toEqual({
      key: 'errors.codes.PROVIDER_ERROR',
      params: { code: 'PROVIDER_ERROR' },
    })
  })
})
