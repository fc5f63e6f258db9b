import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { OperationOutput } from '../../../shared/api/operations'
import type { EngineEvent, WalletConfig } from '../../../shared/api/types'
import { DEFAULT_PAYMENT_CODE_RULES, type PaymentCodeRule } from '../../../shared/paymentCodes'
import type { WalletId } from '../../../shared/wallets'
import {
  credentialsKey,
  GATEWAY_MODES,
  type ConnectionTestResult,
  type CredentialsInput,
  type CredentialsStatus,
  type CredentialWallet,
  type GatewayMode,
  type TestableWallet,
} from '../lib/credentialsForm'
import { isConfigEvent } from '../lib/engineEvents'
import { moveInOrder } from '../lib/walletForm'
import { requireApi } from '../services/connection'
import { CREDENTIAL_WALLETS, isCredentialWallet, PROVIDERS } from '../../../shared/providers'
import { loggedAs } from '../lib/backgroundRefresh'

export type RoutingSettings = OperationOutput<'routing.get'>
export type AuditEntry = OperationOutput<'audit.list'>['entries'][number]

const AUDIT_LIMIT = 50

/** The merchant's wallet and routing configuration, and the log of changes to it. */
export const useSettingsStore = defineStore('settings', () => {
  const wallets = ref<WalletConfig[]>([])
  const routing = ref<RoutingSettings | null>(null)
  const audit = ref<AuditEntry[]>([])
  const loaded = ref(false)
  const loading = ref(false)
  /** Wallets being saved right now (their save buttons spin). */
  const saving = ref<WalletId[]>([])
  const savingRouting = ref(false)
  /** While the settings screen is open, configuration events refresh the change log. */
  const watching = ref(false)
  /** Real-wallet credentials (public fields, which secrets are set) by "wallet:mode". */
  const credentials = ref<Record<string, CredentialsStatus>>({})
  /** Credential sets being saved right now, by "wallet:mode". */
  const savingCredentials = ref<string[]>([])
  /** The last connection test per "wallet:mode" (Huabei tested on its own), and those running. */
  const testResults = ref<Record<string, ConnectionTestResult & { at: string }>>({})
  const testing = ref<string[]>([])

  const orderedWallets = computed(() => [...wallets.value].sort((a, b) => a.displayOrder - b.displayOrder))
  const paymentCodeRules = computed<PaymentCodeRule[]>(
    () => routing.value?.paymentCodeRules ?? DEFAULT_PAYMENT_CODE_RULES,
  )

  function byWallet(wallet: WalletId): WalletConfig | undefined {
    return wallets.value.find((w) => w.wallet === wallet)
  }

  async function loadWallets(): Promise<void> {
    wallets.value = (await requireApi().call('wallets.list', {})).wallets
  }

  async function loadRouting(): Promise<void> {
    routing.value = await requireApi().call('routing.get', {})
  }

  async function loadAudit(): Promise<void> {
    audit.value = (await requireApi().call('audit.list', { limit: AUDIT_LIMIT })).entries
  }

  function credentialsFor(wallet: CredentialWallet, mode: GatewayMode): CredentialsStatus | null {
    return credentials.value[credentialsKey(wallet, mode)] ?? null
  }

  async function loadCredentials(wallet: CredentialWallet, mode: GatewayMode): Promise<void> {
    const status = await requireApi().call('credentials.get', { wallet, mode })
    credentials.value = { ...credentials.value, [credentialsKey(wallet, mode)]: status }
  }

  async function loadAllCredentials(): Promise<void> {
    await Promise.all(CREDENTIAL_WALLETS.flatMap((w) => GATEWAY_MODES.map((m) => loadCredentials(w, m))))
  }

  async function saveCredentials(input: CredentialsInput): Promise<CredentialsStatus> {
    const key = credentialsKey(input.wallet, input.mode)
    savingCredentials.value = [...savingCredentials.value, key]
    try {
      const status = await requireApi().call('credentials.set', input)
      credentials.value = { ...credentials.value, [key]: status }
      // A new key makes the last test's verdict stale.
      // Every wallet these credentials serve (Huabei runs on Alipay's).
      const served = PROVIDERS.find((p) => p.wallet === input.wallet)?.wallets ?? [input.wallet]
      const stale = served.map((wallet) => credentialsKey(wallet, input.mode))
      testResults.value = Object.fromEntries(Object.entries(testResults.value).filter(([k]) => !stale.includes(k)))
      void loadAudit().catch(loggedAs('settings'))
      return status
    } finally {
      savingCredentials.value = savingCredentials.value.filter((k) => k !== key)
    }
  }

  async function testConnection(wallet: TestableWallet, mode: GatewayMode): Promise<ConnectionTestResult> {
    const key = credentialsKey(wallet, mode)
    testing.value = [...testing.value, key]
    try {
      const result = await requireApi().call('wallets.testConnection', { wallet, mode })
      testResults.value = { ...testResults.value, [key]: { ...result, at: new Date().toISOString() } }
      return result
    } finally {
      testing.value = testing.value.filter((k) => k !== key)
    }
  }

  /** Whether the change log is read with the rest (it needs the 'reports' permission). */
  let withAudit = true

  async function load(options: { audit: boolean } = { audit: true }): Promise<void> {
    loading.value = true
    withAudit = options.audit
    try {
      await Promise.all([loadWallets(), loadRouting(), withAudit ? loadAudit() : Promise.resolve()])
      loaded.value = true
    } finally {
      loading.value = false
    }
  }

  function replace(saved: WalletConfig): void {
    const index = wallets.value.findIndex((w) => w.wallet === saved.wallet)
    if (index >= 0) wallets.value.splice(index, 1, saved)
    else wallets.value.push(saved)
  }

  async function saveWallet(config: WalletConfig): Promise<WalletConfig> {
    saving.value = [...saving.value, config.wallet]
    try {
      const saved = await requireApi().call('wallets.update', config)
      replace(saved)
      void loadAudit().catch(loggedAs('settings'))
      return saved
    } finally {
      saving.value = saving.value.filter((w) => w !== config.wallet)
    }
  }

  /** Moves a wallet one place up or down the checkout list, saving every wallet whose position changed. */
  async function moveWallet(wallet: WalletId, step: -1 | 1): Promise<void> {
    const reordered = moveInOrder(wallets.value, wallet, step)
    const changed = reordered.filter((c) => byWallet(c.wallet)?.displayOrder !== c.displayOrder)
    for (const config of changed) replace(await requireApi().call('wallets.update', config))
    if (changed.length > 0) void loadAudit().catch(loggedAs('settings'))
  }

  async function saveRouting(settings: RoutingSettings): Promise<void> {
    savingRouting.value = true
    try {
      routing.value = await requireApi().call('routing.update', settings)
      void loadAudit().catch(loggedAs('settings'))
    } finally {
      savingRouting.value = false
    }
  }

  function applyEvent(event: EngineEvent): void {
    if (!isConfigEvent(event)) return
    // Another till may have saved credentials: refresh what this one shows as set.
    if (event.type === 'credentials.changed') {
      const { wallet, mode } = event.data
      if (isCredentialWallet(wallet) && credentials.value[credentialsKey(wallet, mode)]) {
        void loadCredentials(wallet, mode).catch(loggedAs('settings'))
      }
    }
    if (watching.value && withAudit) void loadAudit().catch(loggedAs('settings'))
    // Checkout reads the friend-pay limit from here; the settings screen keeps its draft until saved.
    else if (routing.value) void loadRouting().catch(loggedAs('settings'))
  }

  return {
    wallets,
    orderedWallets,
    routing,
    paymentCodeRules,
    audit,
    loaded,
    loading,
    saving,
    savingRouting,
    watching,
    credentials,
    savingCredentials,
    testResults,
    testing,
    byWallet,
    credentialsFor,
    loadCredentials,
    loadAllCredentials,
    saveCredentials,
    testConnection,
    load,
    loadWallets,
    loadRouting,
    loadAudit,
    saveWallet,
    moveWallet,
    saveRouting,
    applyEvent,
  }
})
