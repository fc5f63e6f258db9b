import { generateKeyPairSync } from 'node:crypto'
import { join } from 'node:path'
import type { Engine } from '../../src/engine'
import { systemClock } from '../../src/engine/clock'
import { REAL_WALLET_ADAPTERS } from '../../src/engine/providers/real'
import { createKeyFileSecretBox } from '../../src/engine/secrets'
import { alipayTestKeys, startAlipayGateway } from './alipayServer'
import { tempDir } from './engine'
import { startWechatpayServer } from './wechatpayServer'

function rsaPair() {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  })
}

export const WECHAT = {
  mchId: '1230000109',
  appId: 'wxd678efh567hg6787',
  merchantSerialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
  platformSerial: 'PUB_KEY_ID_0112340000000000000000000000000001',
  apiV3Key: 'hutongTestApiV3Key00000000000032',
}
export const ALIPAY_APP_ID = '2021000000000001'

/**
 * Engine options for real adapters: real time (the local gateways sign with it and refuse skew beyond five
 * minutes), shiftable by `clock.jump(ms)` to pass back-off waits, and a key file for secrets.
 */
export function realWalletEngineOptions() {
  const dir = tempDir()
  let offset = 0
  const clock = { now: () => systemClock.now() + offset, jump: (ms: number) => void (offset += ms) }
  return {
    clock,
    options: {
      clock,
      secretBox: createKeyFileSecretBox(join(dir.path, 'secrets.key')),
      adapters: REAL_WALLET_ADAPTERS,
    },
    removeKeyDir: dir.remove,
  }
}

/** Local WeChat Pay and Alipay protocol servers, with the credentials that talk to them (on `now`, if given). */
export async function startLocalWallets(now?: () => number) {
  const merchant = rsaPair()
  const platform = rsaPair()
  const wechat = await startWechatpayServer({
    mchId: WECHAT.mchId,
    appId: WECHAT.appId,
    merchantSerialNo: WECHAT.merchantSerialNo,
    merchantPublicKeyPem: merchant.publicKey,
    platformSerial: WECHAT.platformSerial,
    platformPrivateKeyPem: platform.privateKey,
    apiV3Key: WECHAT.apiV3Key,
    now,
  })
  const alipayKeys = alipayTestKeys()
  const alipay = await startAlipayGateway({ appId: ALIPAY_APP_ID, keys: alipayKeys, now })
  return {
    wechat,
    alipay,
    wechatCredentials: {
      wallet: 'wechat',
      mode: 'sandbox',
      gatewayUrl: wechat.url,
      mchId: WECHAT.mchId,
      appId: WECHAT.appId,
      merchantSerialNo: WECHAT.merchantSerialNo,
      merchantPrivateKeyPem: merchant.privateKey,
      apiV3Key: WECHAT.apiV3Key,
      platformKeys: [{ serial: WECHAT.platformSerial, publicKeyPem: platform.publicKey }],
    },
    alipayCredentials: {
      wallet: 'alipay',
      mode: 'sandbox',
      gatewayUrl: alipay.url,
      appId: ALIPAY_APP_ID,
      appPrivateKeyPem: alipayKeys.appPrivateKeyPem,
      alipayPublicKeyPem: alipayKeys.alipayPublicKeyPem,
    },
    async close() {
      await wechat.close()
      await alipay.close()
    },
  }
}

/** Points a wallet at its sandbox through the API, as the settings screen does. */
export async function useSandbox(engine: Engine, wallet: 'wechat' | 'alipay' | 'huabei' | 'unionpay') {
  const { wallets } = await engine.invoke('wallets.list', {})
  const config = wallets.find((w) => w.wallet === wallet)!
  await engine.invoke('wallets.update', { ...config, mode: 'sandbox' })
}
