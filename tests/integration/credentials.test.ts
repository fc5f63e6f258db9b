import { generateKeyPairSync } from 'node:crypto'
import { chmodSync, existsSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createKeyFileSecretBox } from '../../src/engine/secrets'
import { tempDir, testEngine } from '../support/engine'

let t: ReturnType<typeof testEngine> | undefined
const dirs: { remove(): void }[] = []
afterEach(async () => {
  await t?.dispose()
  t = undefined
  while (dirs.length) dirs.pop()!.remove()
})

function keyPair(bits = 2048) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits })
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  }
}

const merchant = keyPair()
const platform = keyPair()
const wechatInput = {
  wallet: 'wechat' as const,
  mode: 'sandbox' as const,
  gatewayUrl: 'http://127.0.0.1:1/',
  mchId: '1900000109',
  appId: 'wx8888888888888888',
  merchantSerialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
  merchantPrivateKeyPem: merchant.privatePem,
  apiV3Key: 'a'.repeat(32),
  platformKeys: [{ serial: 'PUB_KEY_ID_0114232134912410000000000000', publicKeyPem: platform.publicPem }],
}

function engineWithKeyFile() {
  const dir = tempDir()
  dirs.push(dir)
  const keyFile = join(dir.path, 'secrets.key')
  t = testEngine({ secretBox: createKeyFileSecretBox(keyFile) })
  return { keyFile, engine: t.engine }
}

describe('wallet credentials', () => {
  it('are stored encrypted; secrets are write-only: the API only says whether they are set', async () => {
    const { engine } = engineWithKeyFile()
    const status = (await engine.invoke('credentials.set', wechatInput)) as Record<string, unknown>
    expect(status).toMatchObject({
      wallet: 'wechat',
      mode: 'sandbox',
      configured: true,
      secretsSet: { merchantPrivateKeyPem: true, apiV3Key: true, apiV2Key: false },
      publicFields: { mchId: '1900000109' },
    })
    const everything = JSON.stringify([
      await engine.invoke('credentials.get', { wallet: 'wechat', mode: 'sandbox' }),
      await engine.invoke('audit.list', {}),
      engine.events.since(0, 1000),
    ])
    expect(everything).not.toContain('PRIVATE KEY')
    expect(everything).not.toContain('a'.repeat(32))
    const stored = engine.db.prepare('SELECT secrets, public_fields FROM wallet_credentials').get() as {
      secrets: Buffer
      public_fields: string
    }
    expect(stored.secrets.toString('latin1')).not.toContain('PRIVATE KEY')
    expect(stored.secrets.toString('latin1')).not.toContain('a'.repeat(32))
  })

  it('keeps stored secrets when they are left out of an update', async () => {
    const { engine } = engineWithKeyFile()
    await engine.invoke('credentials.set', wechatInput)
    const { merchantPrivateKeyPem: _key, apiV3Key: _v3, ...withoutSecrets } = wechatInput
    const status = (await engine.invoke('credentials.set', { ...withoutSecrets, mchId: '1900000110' })) as {
      secretsSet: object
      publicFields: object
    }
    expect(status.secretsSet).toMatchObject({ merchantPrivateKeyPem: true, apiV3Key: true })
    expect(status.publicFields).toMatchObject({ mchId: '1900000110' })
  })

  it.each([
    [
      'a key that is not a key',
      { merchantPrivateKeyPem: '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----' },
    ],
    ['a 1024-bit key', { merchantPrivateKeyPem: keyPair(1024).privatePem }],
    ['an APIv3 key of the wrong length', { apiV3Key: 'short' }],
    ['a malformed merchant number', { mchId: 'abc' }],
    ['no platform key', { platformKeys: [] }],
  ])('refuses %s on entry, storing nothing', async (_label, patch) => {
    const { engine } = engineWithKeyFile()
    await expect(engine.invoke('credentials.set', { ...wechatInput, ...patch })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    })
    expect((await engine.invoke('credentials.get', { wallet: 'wechat', mode: 'sandbox' })) as object).toMatchObject({
      configured: false,
    })
  })

  it('refuses to store secrets without secure storage', async () => {
    t = testEngine()
    await expect(t.engine.invoke('credentials.set', wechatInput)).rejects.toMatchObject({ code: 'SECRETS_UNAVAILABLE' })
  })

  it('testConnection says when nothing is configured', async () => {
    const { engine } = engineWithKeyFile()
    expect(await engine.invoke('wallets.testConnection', { wallet: 'wechat', mode: 'production' })).toMatchObject({
      ok: false,
      code: 'NOT_CONFIGURED',
    })
  })
})

describe('the headless key file', () => {
  it('is created with mode 0600 on first use and refused when others can read it', () => {
    const dir = tempDir()
    dirs.push(dir)
    const file = join(dir.path, 'secrets.key')
    const box = createKeyFileSecretBox(file)
    expect(existsSync(file)).toBe(true)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(box.decrypt(box.encrypt('秘密'))).toBe('秘密')
    chmodSync(file, 0o644)
    expect(() => createKeyFileSecretBox(file)).toThrow(expect.objectContaining({ code: 'SECRETS_UNAVAILABLE' }))
  })

  it('detects tampering (authenticated encryption)', () => {
    const dir = tempDir()
    dirs.push(dir)
    const file = join(dir.path, 'k')
    writeFileSync(file, Buffer.alloc(32, 7).toString('base64'), { mode: 0o600 })
    const box = createKeyFileSecretBox(file)
    const blob = box.encrypt('hello')
    blob.writeUInt8(blob.readUInt8(blob.length - 1) ^ 1, blob.length - 1)
    expect(() => box.decrypt(blob)).toThrow()
  })
})

describe('Alipay keys as Alipay hands them out', () => {
  it.each([
    ['PKCS#8 / SPKI', 'pkcs8', 'spki'],
    ['PKCS#1', 'pkcs1', 'pkcs1'],
  ] as const)("accepts the bare base64 keys of Alipay's key tool (%s)", async (_label, privateType, publicType) => {
    const { engine } = engineWithKeyFile()
    const app = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const alipay = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const bare = (pem: string) => pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '')
    const status = (await engine.invoke('credentials.set', {
      wallet: 'alipay',
      mode: 'sandbox',
      appId: '2021000000000001',
      appPrivateKeyPem: bare(app.privateKey.export({ type: privateType, format: 'pem' }).toString()),
      alipayPublicKeyPem: bare(alipay.publicKey.export({ type: publicType, format: 'pem' }).toString()),
    })) as { configured: boolean; secretsSet: object }
    expect(status).toMatchObject({ configured: true, secretsSet: { appPrivateKeyPem: true } })
  })

  it('says in a code what is wrong with a bad key', async () => {
    const { engine } = engineWithKeyFile()
    await expect(
      engine.invoke('credentials.set', { ...wechatInput, merchantPrivateKeyPem: keyPair(1024).privatePem }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: 'merchantPrivateKeyPem', code: 'KEY_TOO_SHORT' }],
    })
  })
})
