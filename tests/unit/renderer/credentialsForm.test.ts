import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { AlipayCredentialsInput, WechatPayCredentialsInput } from '../../../src/shared/api/schemas'
import { PROVIDERS } from '../../../src/shared/providers'
import { ChinaumsCredentialsInput } from '../../../src/shared/providers/chinaums'
import {
  connectionTestKey,
  CONNECTION_TEST_CODES,
  credentialIssuesToFormErrors,
  credentialFields,
  credentialWalletFor,
  fromCredentialsDraft,
  modeSwitchWarnings,
  normalizePem,
  toCredentialsDraft,
  type AlipayCredentialsDraft,
  type CredentialsStatus,
  type WechatCredentialsDraft,
} from '../../../src/renderer/src/lib/credentialsForm'
import enUS from '../../../src/renderer/src/locales/en-US.json'
import zhCN from '../../../src/renderer/src/locales/zh-CN.json'

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()
const spki = publicKey.export({ type: 'spki', format: 'pem' }).toString()
const pkcs1Public = publicKey.export({ type: 'pkcs1', format: 'pem' }).toString()

/** Alipay's key tool hands out keys as one line of base64, without PEM armour. */
function bare(pem: string): string {
  return pem
    .split('\n')
    .filter((line) => !line.startsWith('-----') && line !== '')
    .join('')
}

describe('normalizePem', () => {
  it('keeps a PEM block as it is, normalising line endings', () => {
    expect(normalizePem(`\n${pkcs8.replace(/\n/g, '\r\n')}  `, 'private')).toBe(pkcs8.trim())
  })

  it('wraps bare base64 in 64-character lines under the header its DER structure calls for', () => {
    expect(normalizePem(bare(pkcs8), 'private')).toBe(pkcs8.trim())
    expect(normalizePem(bare(pkcs1), 'private')).toBe(pkcs1.trim())
    expect(normalizePem(bare(spki), 'public')).toBe(spki.trim())
    expect(normalizePem(bare(pkcs1Public), 'public')).toBe(pkcs1Public.trim())
    const wrapped = normalizePem(bare(spki), 'public')!
    for (const line of wrapped.split('\n').slice(1, -1)) expect(line.length).toBeLessThanOrEqual(64)
  })

  it('tolerates spaces and line breaks inside pasted base64', () => {
    const b = bare(spki)
    expect(normalizePem(`${b.slice(0, 50)} \n ${b.slice(50)}`, 'public')).toBe(spki.trim())
  })

  it('refuses what is neither', () => {
    expect(normalizePem('', 'public')).toBeNull()
    expect(normalizePem('not a key at all', 'public')).toBeNull()
    expect(normalizePem('abc$'.repeat(40), 'private')).toBeNull()
    expect(normalizePem('QUJD', 'public')).toBeNull()
  })
})

function wechatDraft(overrides: Partial<WechatCredentialsDraft> = {}): WechatCredentialsDraft {
  return {
    wallet: 'wechat',
    gatewayUrl: '',
    mchId: '1900000001',
    appId: 'wx0123456789abcdef',
    merchantSerialNo: '5157F09EFDC096DE15EBE81A47057A72',
    merchantPrivateKeyPem: pkcs8,
    apiV3Key: 'a'.repeat(32),
    apiV2Key: '',
    platformKeys: [{ serial: 'PUB_KEY_ID_0114232134912410000', publicKeyPem: spki }],
    notifyUrl: '',
    ...overrides,
  }
}

describe('fromCredentialsDraft', () => {
  it('builds a WeChat Pay body the engine schema accepts; empty optional fields are left out', () => {
    const result = fromCredentialsDraft('sandbox', wechatDraft({ gatewayUrl: ' http://127.0.0.1:1 ' }), {})
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.value).toEqual({
      wallet: 'wechat',
      mode: 'sandbox',
      gatewayUrl: 'http://127.0.0.1:1',
      mchId: '1900000001',
      appId: 'wx0123456789abcdef',
      merchantSerialNo: '5157F09EFDC096DE15EBE81A47057A72',
      merchantPrivateKeyPem: pkcs8.trim(),
      apiV3Key: 'a'.repeat(32),
      platformKeys: [{ serial: 'PUB_KEY_ID_0114232134912410000', publicKeyPem: spki.trim() }],
      notifyUrl: null,
    })
    expect(WechatPayCredentialsInput.safeParse(result.value).success).toBe(true)
  })

  it('leaves out secrets typed empty when they are stored, and requires them when not', () => {
    const draft = wechatDraft({ merchantPrivateKeyPem: '', apiV3Key: '' })
    const kept = fromCredentialsDraft('production', draft, {
      merchantPrivateKeyPem: true,
      apiV3Key: true,
      apiV2Key: false,
    })
    expect(kept.ok && !('merchantPrivateKeyPem' in kept.value) && !('apiV3Key' in kept.value)).toBe(true)
    const missing = fromCredentialsDraft('production', draft, {})
    expect(missing.ok ? [] : missing.errors).toEqual([
      { field: 'merchantPrivateKeyPem', code: 'REQUIRED' },
      { field: 'apiV3Key', code: 'REQUIRED' },
    ])
  })

  it('codes each bad field by its path', () => {
    const result = fromCredentialsDraft(
      'sandbox',
      wechatDraft({
        gatewayUrl: 'ftp://x',
        mchId: '12',
        appId: 'wxshort',
        merchantSerialNo: 'zz',
        apiV3Key: 'short',
        apiV2Key: 'b'.repeat(31),
        platformKeys: [
          { serial: '', publicKeyPem: 'garbage' },
          { serial: '', publicKeyPem: '' },
        ],
        notifyUrl: 'not a url',
      }),
      {},
    )
    expect(result.ok ? [] : result.errors).toEqual([
      { field: 'gatewayUrl', code: 'INVALID_URL' },
      { field: 'notifyUrl', code: 'INVALID_URL' },
      { field: 'mchId', code: 'INVALID_MCH_ID' },
      { field: 'appId', code: 'INVALID_WECHAT_APPID' },
      { field: 'merchantSerialNo', code: 'INVALID_SERIAL' },
      { field: 'apiV3Key', code: 'INVALID_KEY_LENGTH' },
      { field: 'apiV2Key', code: 'INVALID_KEY_LENGTH' },
      { field: 'platformKeys.0.serial', code: 'REQUIRED' },
      { field: 'platformKeys.0.publicKeyPem', code: 'INVALID_PEM' },
    ])
  })

  it('needs at least one platform key', () => {
    const result = fromCredentialsDraft(
      'sandbox',
      wechatDraft({ platformKeys: [{ serial: ' ', publicKeyPem: '' }] }),
      {},
    )
    expect(result.ok ? [] : result.errors).toEqual([{ field: 'platformKeys', code: 'REQUIRED' }])
  })

  it('names the row a platform key problem is on, counting the blank rows the form leaves out', () => {
    const result = fromCredentialsDraft(
      'sandbox',
      wechatDraft({
        platformKeys: [
          { serial: '', publicKeyPem: '' },
          { serial: 'S'.repeat(81), publicKeyPem: spki },
          { serial: '', publicKeyPem: spki },
        ],
      }),
      {},
    )
    expect(result.ok ? [] : result.errors).toEqual([
      { field: 'platformKeys.1.serial', code: 'TOO_LONG' },
      { field: 'platformKeys.2.serial', code: 'REQUIRED' },
    ])
    const eleven = Array.from({ length: 11 }, (_, i) => ({ serial: `K${i}`, publicKeyPem: spki }))
    const tooMany = fromCredentialsDraft('sandbox', wechatDraft({ platformKeys: eleven }), {})
    expect(tooMany.ok ? [] : tooMany.errors).toEqual([{ field: 'platformKeys', code: 'TOO_MANY_KEYS' }])
  })

  it('checks a typed secret even when one is stored', () => {
    const result = fromCredentialsDraft(
      'sandbox',
      wechatDraft({ merchantPrivateKeyPem: 'not a key', apiV3Key: ' ', apiV2Key: 'c'.repeat(33) }),
      { merchantPrivateKeyPem: true, apiV3Key: true },
    )
    expect(result.ok ? [] : result.errors).toEqual([
      { field: 'merchantPrivateKeyPem', code: 'INVALID_PEM' },
      { field: 'apiV2Key', code: 'INVALID_KEY_LENGTH' },
    ])
  })

  it("wraps Alipay's bare base64 keys before sending", () => {
    const draft: AlipayCredentialsDraft = {
      wallet: 'alipay',
      gatewayUrl: '',
      appId: '2021000000000001',
      appPrivateKeyPem: bare(pkcs1),
      alipayPublicKeyPem: bare(spki),
      notifyUrl: 'https://relay.example.com/notify',
    }
    const result = fromCredentialsDraft('sandbox', draft, {})
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.value).toEqual({
      wallet: 'alipay',
      mode: 'sandbox',
      appId: '2021000000000001',
      appPrivateKeyPem: pkcs1.trim(),
      alipayPublicKeyPem: spki.trim(),
      notifyUrl: 'https://relay.example.com/notify',
    })
    expect(AlipayCredentialsInput.safeParse(result.value).success).toBe(true)
    const bad = fromCredentialsDraft(
      'sandbox',
      { ...draft, appId: '2021', alipayPublicKeyPem: '' },
      { appPrivateKeyPem: true },
    )
    expect(bad.ok ? [] : bad.errors).toEqual([
      { field: 'appId', code: 'INVALID_ALIPAY_APPID' },
      { field: 'alipayPublicKeyPem', code: 'REQUIRED' },
    ])
  })
})

describe('toCredentialsDraft', () => {
  const status: CredentialsStatus = {
    wallet: 'wechat',
    mode: 'sandbox',
    configured: true,
    gatewayUrl: 'https://api.mch.weixin.qq.com',
    publicFields: {
      mchId: '1900000001',
      appId: 'wx0123456789abcdef',
      merchantSerialNo: 'ABCDEF01',
      platformKeys: [{ serial: 'PUB_KEY_ID_1', publicKeyPem: spki }],
      notifyUrl: null,
    },
    secretsSet: { merchantPrivateKeyPem: true, apiV3Key: true, apiV2Key: false },
    updatedAt: '2025-01-01T00:00:00.000Z',
  }

  it('fills the public fields, leaves the secrets empty and the default gateway as the placeholder', () => {
    expect(toCredentialsDraft('wechat', 'sandbox', status)).toEqual({
      wallet: 'wechat',
      gatewayUrl: '',
      mchId: '1900000001',
      appId: 'wx0123456789abcdef',
      merchantSerialNo: 'ABCDEF01',
      merchantPrivateKeyPem: '',
      apiV3Key: '',
      apiV2Key: '',
      platformKeys: [{ serial: 'PUB_KEY_ID_1', publicKeyPem: spki }],
      notifyUrl: '',
    })
    expect(toCredentialsDraft('wechat', 'sandbox', { ...status, gatewayUrl: 'http://127.0.0.1:1' }).gatewayUrl).toBe(
      'http://127.0.0.1:1',
    )
  })

  it('round-trips a stored set back to a save that keeps every secret', () => {
    const result = fromCredentialsDraft('sandbox', toCredentialsDraft('wechat', 'sandbox', status), status.secretsSet)
    expect(result.ok && WechatPayCredentialsInput.safeParse(result.value).success).toBe(true)
  })

  it('gives an empty form with one platform key row when nothing is stored', () => {
    const draft = toCredentialsDraft('wechat', 'production', null)
    expect(draft.wallet === 'wechat' && draft.platformKeys).toEqual([{ serial: '', publicKeyPem: '' }])
    expect(toCredentialsDraft('alipay', 'sandbox', null)).toMatchObject({
      wallet: 'alipay',
      appId: '',
      alipayPublicKeyPem: '',
    })
  })
})

describe('forms read from the provider registry', () => {
  const words = (locale: typeof zhCN, wallet: string, field: string): unknown =>
    (locale.settings.credentials.fields as Record<string, Record<string, { label?: string }>>)[wallet]?.[field]?.label

  it("lays out every provider's fields from its schema, secrets write-only, keys as PEM", () => {
    expect(credentialFields('wechat').map(({ name, kind }) => ({ name, kind }))).toEqual([
      { name: 'mchId', kind: 'text' },
      { name: 'appId', kind: 'text' },
      { name: 'merchantSerialNo', kind: 'text' },
      { name: 'merchantPrivateKeyPem', kind: 'secretPem' },
      { name: 'apiV3Key', kind: 'secret' },
      { name: 'apiV2Key', kind: 'secret' },
      { name: 'platformKeys', kind: 'keyList' },
    ])
    expect(credentialFields('unionpay').find((f) => f.name === 'instMid')).toMatchObject({ optional: true })
    expect(credentialFields('alipay').map((f) => f.kind)).toEqual(['text', 'secretPem', 'publicPem'])
    expect(
      credentialFields('unionpay')
        .filter((f) => f.kind === 'secret')
        .map((f) => f.name),
    ).toEqual(['appKey', 'notifyKey'])
  })

  it('has a label in both languages for every field of every provider', () => {
    for (const provider of PROVIDERS) {
      for (const field of credentialFields(provider.wallet)) {
        expect(words(zhCN, provider.wallet, field.name), `${provider.wallet}.${field.name}`).toBeTruthy()
        expect(words(enUS, provider.wallet, field.name), `${provider.wallet}.${field.name}`).toBeTruthy()
      }
    }
  })

  it('turns a filled UnionPay form into the credentials China UMS needs, and asks for the missing keys', () => {
    const draft = toCredentialsDraft('unionpay', 'sandbox', null)
    expect(draft).toMatchObject({ wallet: 'unionpay', appKey: '', notifyKey: '', mid: '' })
    const missing = fromCredentialsDraft('sandbox', { ...draft, appId: 'f0ec96ad2c3848b5' }, {})
    expect(missing.ok).toBe(false)
    expect(!missing.ok && missing.errors.map((e) => `${e.field}:${e.code}`)).toEqual(
      expect.arrayContaining(['appKey:REQUIRED', 'notifyKey:REQUIRED']),
    )
    const filled = {
      ...draft,
      appId: 'f0ec96ad2c3848b5',
      appKey: '775481e2556e4564985f5439a5e6a277',
      mid: '898340149000005',
      tid: '88880001',
      msgSrcId: '3194',
      notifyKey: 'hutongNotifyKeyForTests000000000000',
    }
    const result = fromCredentialsDraft('sandbox', filled, {})
    // The business type left empty takes its default.
    expect(result.ok && ChinaumsCredentialsInput.parse(result.value).instMid).toBe('QRPAYDEFAULT')
    const kept = fromCredentialsDraft(
      'sandbox',
      { ...filled, appKey: '', notifyKey: '' },
      { appKey: true, notifyKey: true },
    )
    expect(kept.ok && !('appKey' in kept.value) && !('notifyKey' in kept.value)).toBe(true)
  })
})

describe('credentialIssuesToFormErrors', () => {
  it("codes the engine's key checks and keeps other messages", () => {
    expect(
      credentialIssuesToFormErrors([
        { path: 'merchantPrivateKeyPem', message: 'must be at least 2048 bits (got 1024)', code: 'KEY_TOO_SHORT' },
        {
          path: 'platformKeys.0.publicKeyPem',
          message: 'is not a readable public key or certificate (PEM)',
          code: 'UNREADABLE_KEY',
        },
        { path: 'alipayPublicKeyPem', message: 'must be an RSA key', code: 'NOT_RSA' },
        { path: 'apiV3Key', message: 'required', code: 'REQUIRED' },
        { path: 'mchId', message: 'something else' },
        'junk',
      ]),
    ).toEqual([
      { field: 'merchantPrivateKeyPem', code: 'KEY_TOO_SHORT' },
      { field: 'platformKeys.0.publicKeyPem', code: 'KEY_UNREADABLE' },
      { field: 'alipayPublicKeyPem', code: 'KEY_NOT_RSA' },
      { field: 'apiV3Key', code: 'REQUIRED' },
      { field: 'mchId', code: 'SERVER', message: 'something else' },
    ])
  })
})

describe('connection test words', () => {
  it('has words in both languages for every code and a fallback', () => {
    const codes = zhCN.settings.credentials.test.codes as Record<string, string>
    const en = enUS.settings.credentials.test.codes as Record<string, string>
    for (const code of CONNECTION_TEST_CODES) {
      expect(connectionTestKey(code)).toBe(`settings.credentials.test.codes.${code}`)
      expect(codes[code], code).toBeTruthy()
      expect(en[code], code).toBeTruthy()
    }
    expect(connectionTestKey('SOMETHING_NEW')).toBe('settings.credentials.test.codes.UNKNOWN')
    expect(codes.CLOCK_SKEW).toContain('5 分钟')
  })
})

describe('which credentials and warnings a wallet has', () => {
  it('Huabei uses Alipay; wallets without a real adapter have none', () => {
    expect(credentialWalletFor('wechat')).toBe('wechat')
    expect(credentialWalletFor('huabei')).toBe('alipay')
    expect(credentialWalletFor('unionpay')).toBe('unionpay')
    expect(credentialWalletFor('jdpay')).toBeNull()
  })

  it('warns about real money and missing credentials when leaving the simulator', () => {
    expect(modeSwitchWarnings('wechat', 'simulator', 'production', false)).toEqual(['realMoney', 'noCredentials'])
    expect(modeSwitchWarnings('wechat', 'sandbox', 'production', true)).toEqual(['realMoney'])
    expect(modeSwitchWarnings('alipay', 'simulator', 'sandbox', true)).toEqual([])
    expect(modeSwitchWarnings('huabei', 'simulator', 'sandbox', false)).toEqual(['noCredentials'])
    expect(modeSwitchWarnings('jdpay', 'simulator', 'sandbox', false)).toEqual(['noAdapter'])
    expect(modeSwitchWarnings('wechat', 'production', 'production', false)).toEqual([])
    expect(modeSwitchWarnings('wechat', 'production', 'simulator', false)).toEqual([])
    expect(modeSwitchWarnings('cash', 'simulator', 'production', false)).toEqual([])
  })
})
