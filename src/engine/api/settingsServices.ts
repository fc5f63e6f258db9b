import type { Database } from 'better-sqlite3'
import { present } from '../../shared/assert'
import type { Clock } from '../clock'
import { listAudit, verifyAudit } from '../config/audit'
import { getRoutingSettings, saveRoutingSettings } from '../config/routing'
import { listWalletConfigs, saveWalletConfig } from '../config/wallets'
import { credentialsStatus, saveCredentials } from '../credentials/store'
import type { EventLog } from '../events/log'
import type { WalletAdapters } from '../providers/loader'
import type { SecretBox } from '../secrets'
import { getStoreProfile } from '../store/profile'
import type { EngineServices } from './services'

type SettingsServices = Pick<EngineServices, 'store' | 'wallets' | 'routing' | 'audit' | 'credentials'>

/** The merchant's configuration as operations: every change validated, audited and announced in one unit of work. */
export function createSettingsServices(parts: {
  db: Database
  clock: Clock
  events: EventLog
  secretBox: SecretBox | null
  adapters: WalletAdapters
}): SettingsServices {
  const { db, clock, events, secretBox, adapters } = parts
  return {
    store: { profile: () => getStoreProfile(db) },
    wallets: {
      list: () => listWalletConfigs(db),
      update: (input) =>
        events.unitOfWork(() => {
          saveWalletConfig(db, input, clock.now())
          events.append({ type: 'config.changed', data: { entity: 'wallet', wallet: input.wallet } })
          const saved = listWalletConfigs(db).find((c) => c.wallet === input.wallet)
          return present(saved, `the saved configuration of ${input.wallet}`)
        }),
    },
    routing: {
      get: () => getRoutingSettings(db),
      update: (input) =>
        events.unitOfWork(() => {
          saveRoutingSettings(db, input, clock.now())
          events.append({ type: 'config.changed', data: { entity: 'routing' } })
          return getRoutingSettings(db)
        }),
    },
    audit: { list: (limit) => listAudit(db, limit), verify: () => verifyAudit(db) },
    credentials: {
      get: (input) => credentialsStatus(db, secretBox, input.wallet, input.mode),
      set: async (input) => {
        const mark = events.mark()
        events.unitOfWork(() => {
          saveCredentials(db, secretBox, input, clock.now())
          events.append({ type: 'credentials.changed', data: { wallet: input.wallet, mode: input.mode } })
        })
        // Payments go to the new merchant account only once it is on disk: a lost save changes nothing.
        await events.durable(mark)
        adapters.reload()
        return credentialsStatus(db, secretBox, input.wallet, input.mode)
      },
      test: async (input) => {
        const adapter = adapters.find(input.wallet, input.mode)
        if (!adapter) {
          return { ok: false, code: 'NOT_CONFIGURED', message: 'no credentials are stored for this wallet and mode' }
        }
        return adapter.testConnection()
      },
    },
  }
}
