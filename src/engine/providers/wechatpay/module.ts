import type { z } from 'zod'
import { wechatpayFacts, type WechatPayCredentialsInput } from '../../../shared/providers/wechatpay'
import { asPem, checkPrivateKey, checkPublicKey } from '../../credentials/validate'
import { storedText, storedTextOrNull, type WalletModule } from '../module'
import type { WechatPayConfig } from './config'
import { createWechatPayProvider } from './index'

type Input = z.output<typeof WechatPayCredentialsInput>

/** WeChat Pay API v3: the facts, key checks, stored credentials → configuration, and the adapter. */
export const wechatpayModule: WalletModule<WechatPayConfig, Input> = {
  facts: wechatpayFacts,
  acceptCredentials(input) {
    const secrets: Record<string, string | null> = {}
    if (input.merchantPrivateKeyPem !== undefined) {
      const pem = asPem(input.merchantPrivateKeyPem, 'private')
      checkPrivateKey(pem, 'merchantPrivateKeyPem')
      secrets.merchantPrivateKeyPem = pem
    }
    if (input.apiV3Key !== undefined) secrets.apiV3Key = input.apiV3Key
    if (input.apiV2Key !== undefined) secrets.apiV2Key = input.apiV2Key
    const publicFields = {
      mchId: input.mchId,
      appId: input.appId,
      merchantSerialNo: input.merchantSerialNo,
      platformKeys: input.platformKeys.map((k, i) => ({
        serial: k.serial,
        publicKeyPem: checkPublicKey(asPem(k.publicKeyPem, 'public'), `platformKeys.${i}.publicKeyPem`),
      })),
      notifyUrl: input.notifyUrl,
    }
    return { publicFields, secrets }
  },
  toConfig: ({ mode, gatewayUrl, publicFields: pub, secrets }) => ({
    mode,
    gatewayUrl,
    mchId: storedText(pub, 'mchId'),
    appId: storedText(pub, 'appId'),
    merchantSerialNo: storedText(pub, 'merchantSerialNo'),
    merchantPrivateKeyPem: storedText(secrets, 'merchantPrivateKeyPem'),
    apiV3Key: storedText(secrets, 'apiV3Key'),
    apiV2Key: storedTextOrNull(secrets, 'apiV2Key'),
    platformKeys: pub.platformKeys as WechatPayConfig['platformKeys'],
    notifyUrl: storedTextOrNull(pub, 'notifyUrl'),
  }),
  create: createWechatPayProvider,
}
