import type { z } from 'zod'
import { alipayFacts, type AlipayCredentialsInput } from '../../../shared/providers/alipay'
import { asPem, checkPrivateKey, checkPublicKey } from '../../credentials/validate'
import { storedText, storedTextOrNull, type WalletModule } from '../module'
import type { AlipayConfig } from './config'
import { createAlipayProvider } from './index'

type Input = z.output<typeof AlipayCredentialsInput>

/** Alipay OpenAPI (and Huabei through it): the facts, key checks, stored credentials → configuration, the adapter. */
export const alipayModule: WalletModule<AlipayConfig, Input> = {
  facts: alipayFacts,
  acceptCredentials(input) {
    const secrets: Record<string, string | null> = {}
    if (input.appPrivateKeyPem !== undefined) {
      const pem = asPem(input.appPrivateKeyPem, 'private')
      checkPrivateKey(pem, 'appPrivateKeyPem')
      secrets.appPrivateKeyPem = pem
    }
    const publicFields = {
      appId: input.appId,
      alipayPublicKeyPem: checkPublicKey(asPem(input.alipayPublicKeyPem, 'public'), 'alipayPublicKeyPem'),
      notifyUrl: input.notifyUrl,
    }
    return { publicFields, secrets }
  },
  toConfig: ({ mode, gatewayUrl, publicFields: pub, secrets }) => ({
    mode,
    gatewayUrl,
    appId: storedText(pub, 'appId'),
    appPrivateKeyPem: storedText(secrets, 'appPrivateKeyPem'),
    alipayPublicKeyPem: storedText(pub, 'alipayPublicKeyPem'),
    notifyUrl: storedTextOrNull(pub, 'notifyUrl'),
  }),
  create: createAlipayProvider,
}
