import { chinaumsFacts } from '../../../shared/providers/chinaums'
import type { WalletModule } from '../module'
import type { ChinaumsConfig } from './config'
import { chinaumsPublicFields, toChinaumsConfig, type ChinaumsCredentials } from './credentials'
import { createChinaumsProvider } from './index'

/** China UMS for UnionPay QuickPass: the facts, stored credentials → configuration, and the adapter. */
export const chinaumsModule: WalletModule<ChinaumsConfig, ChinaumsCredentials> = {
  facts: chinaumsFacts,
  acceptCredentials(input) {
    const secrets: Record<string, string | null> = {}
    if (input.appKey !== undefined) secrets.appKey = input.appKey
    if (input.notifyKey !== undefined) secrets.notifyKey = input.notifyKey
    return { publicFields: chinaumsPublicFields(input), secrets }
  },
  toConfig: (stored) => toChinaumsConfig(stored),
  create: createChinaumsProvider,
}
